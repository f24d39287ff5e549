/** The nbformat 4 document and its one reader, shared by notebook execution and the report generator. */
export { parseNotebook, readNotebookFile, formatProblems, joinText, cellSource, type Ipynb, type IpynbCell, type IpynbOutput } from './document.js';
