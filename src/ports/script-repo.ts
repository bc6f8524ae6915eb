export interface Script {
  readonly path: string;
  readonly text: string;
  /** The commit the text was read at. */
  readonly commitId: string;
}

/** The git repository of SQL scripts (CodeCommit on AWS, `scripts/` locally). */
export interface ScriptRepo {
  /** Reads `path` at the head of the configured branch. NotFoundError if absent there. */
  readAtHead(path: string): Promise<Script>;
  /** Reads `path` as it was at `commitId` (for run detail pages). */
  readAt(path: string, commitId: string): Promise<Script>;
  /** Commits `text` at `path` on the branch and returns the commit id (examples, tests); absent where adp may not write. */
  commitFile?(path: string, text: string, message: string): Promise<string>;
}
