// The part of the SDK this adapter sends requests with, loaded on first use: a module of named
// exports, so a bundle keeps only these commands (a dynamic import of the whole package keeps
// every command and shape of the service).
export { CodeCommitClient, GetBranchCommand, GetFileCommand, GetRepositoryCommand } from '@aws-sdk/client-codecommit';
