/** Parameter names: identifiers, as the API's `parameters` already requires. (Its own module: the CLI's argument parser reads it without loading zod.) */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
