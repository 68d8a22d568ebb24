import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { findMarkers, parseMarkerComment, parseSetter } from '../../../src/core/image-update/markers.ts';

describe('parseSetter', () => {
  it('reads every form', () => {
    expect(parseSetter('ns:p')).toMatchObject({ namespace: 'ns', name: 'p', part: 'full' });
    expect(parseSetter('ns:p:tag')?.part).toBe('tag');
    expect(parseSetter('ns:p:name')?.part).toBe('name');
    expect(parseSetter('ns:p:digest')?.part).toBe('digest');
    expect(parseSetter('p')).toBeUndefined();
    expect(parseSetter('ns:p:version')).toBeUndefined();
    expect(parseSetter(':p')).toBeUndefined();
  });
});

describe('parseMarkerComment', () => {
  it('accepts kyaml variants and rejects trailing text', () => {
    expect(parseMarkerComment(' {"$imagepolicy": "a:b"}')?.setter).toBe('a:b');
    expect(parseMarkerComment('#{"$imagepolicy":"a:b:tag"}')?.setter).toBe('a:b:tag');
    expect(parseMarkerComment('# {"$imagepolicy": "a:b"}  ')?.setter).toBe('a:b');
    expect(parseMarkerComment(' {"$imagepolicy": "a:b"} bump me')).toBeUndefined();
    expect(parseMarkerComment(' {"$imagepolicy": 1}')).toBeUndefined();
    expect(parseMarkerComment(' {"$ref": "#/definitions/io.k8s.cli.setters.a:b:name"}')?.part).toBe('name');
    expect(parseMarkerComment(' just a comment')).toBeUndefined();
  });
});

describe('findMarkers', () => {
  it('uses the line comment, then the head comment of a list item, never a key comment', () => {
    const text = [
      'a: x:1 # {"$imagepolicy": "ns:line"}',
      '# {"$imagepolicy": "ns:above-key"}',
      'b: x:2',
      'c: x:3 # not a marker',
      'list:',
      '- first',
      '# {"$imagepolicy": "ns:head"}',
      '- x:4',
      'd: "x:5" #{"$imagepolicy": "ns:quoted"}',
      '',
    ].join('\n');
    const found = findMarkers(text, parseDocument(text) as never);
    expect(found.map((m) => [m.field, m.marker.setter])).toEqual([
      ['a', 'ns:line'],
      ['list[1]', 'ns:head'],
      ['d', 'ns:quoted'],
    ]);
  });
});
