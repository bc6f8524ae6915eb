// The floor for a one-shot `adp run <c> --wait`: a CommonJS script that opens DuckDB (the package
// the embedded driver uses), writes `select 1` to a CSV file and exits. Argument: the file to write.
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: bare-duckdb-copy.cjs <out.csv>');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (select 1 as one) TO '${file.replaceAll("'", "''")}' (HEADER, DELIMITER ',')`);
  connection.closeSync();
  instance.closeSync();
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
