/** Builds the Flux ImageRepository + ImagePolicy pair (namespace flux-system) that setter markers resolve through. */
export function imageAutomation(options: {
  name: string;
  image: string;
  range: string;
  exclusionList?: string;
  digestReflectionPolicy?: string;
}): string {
  const { name, image, range } = options;
  return `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata:
  name: ${name}
  namespace: flux-system
spec:
  image: ${image}
${options.exclusionList ? `  exclusionList: ${options.exclusionList}\n` : ''}---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: ${name}
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: ${name}
${options.digestReflectionPolicy ? `  digestReflectionPolicy: ${options.digestReflectionPolicy}\n` : ''}  policy:
    semver:
      range: ${JSON.stringify(range)}
`;
}
