// The part of the SDK this adapter sends requests with, loaded on first use: a module of named
// exports, so a bundle keeps only these commands (a dynamic import of the whole package keeps
// every command and shape of the service).
export {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetDatabasesCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
