/** Native SOPS (age) in TypeScript: decrypt, encrypt, updatekeys, rotate and the secrets check. */
export { SopsError, type SopsErrorCode } from './sops-error.ts';
export { parseAgeIdentities, generateX25519, AgeIdentityError, type AgeIdentity, type AgeEntry, type IdentityGenerator } from './age-keys.ts';
export { parseSopsFile, looksEncrypted, type SopsInputFile, type ParsedSopsFile } from './parse-sops-file.ts';
export { openSopsFile, decryptedDocuments, type OpenedSopsFile } from './open-sops-file.ts';
export { updateKeys, rotateDataKey, formatLastModified } from './rekey-sops-file.ts';
export { encryptSopsFile, WRITTEN_SOPS_VERSION } from './encrypt-sops-file.ts';
export { parseSopsConfig, matchingCreationRules, configForFile, type SopsConfig, type CreationRule } from './creation-rules.ts';
export { lintSecrets, type SecretsFinding, type SecretsFindingKind, type LintSecretsInput } from './lint-secrets.ts';
export { formatForPath, type SopsFormat } from './stores/sops-store.ts';
