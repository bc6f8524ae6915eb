// The isomorphic-git functions the remote repository reads with, loaded on first use: a module of
// named exports, so a bundle keeps only these (the package's default export holds every command).
export { addRemote, expandOid, fetch, init, readBlob, readCommit, resolveRef } from 'isomorphic-git';
export { default as http } from 'isomorphic-git/http/node';
