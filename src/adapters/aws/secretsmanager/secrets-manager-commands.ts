// The part of the SDK the secret reader sends requests with: a module of named exports, so a
// bundle keeps only this command.
export { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
