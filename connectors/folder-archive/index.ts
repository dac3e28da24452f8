export { folderArchiveConfigSchema, type FolderArchiveConfig } from './config';
export {
  FolderArchiveTarget,
  assertSafePackage,
  RECEIPT_FILE,
  type FolderArchiveTargetOptions,
} from './folder-archive.target';
