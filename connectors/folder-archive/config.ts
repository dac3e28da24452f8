import { z } from 'zod';

/**
 * Configuration of one folder-archive connector instance: packages are deposited as E-ARK/FGS
 * folders under `directory` (a local disk or a mounted share the e-archive picks up from).
 */
export const folderArchiveConfigSchema = z
  .object({
    /** Instance name, e.g. "archive-sundsvall". */
    name: z.string().min(1).default('folder-archive'),
    /** Target folder. Must exist and be writable; `.incoming/` and `.keys/` are created inside it. */
    directory: z.string().min(1),
  })
  .strict();

export type FolderArchiveConfig = z.infer<typeof folderArchiveConfigSchema>;
