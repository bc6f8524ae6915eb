import { config } from 'zod';

// A command parses a handful of documents: zod's compiled fast path (built with `new Function` on a schema's
// first parse) costs more to build than it saves. `adp serve`, which parses for hours, does not import this.
config({ jitless: true });
