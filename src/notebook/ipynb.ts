/** The notebook document, from the one reader in src/ipynb (re-exported for the notebook layer's users). */
export { readNotebookFile as readNotebook, formatProblems, joinText, cellSource, type Ipynb, type IpynbCell, type IpynbOutput } from '../ipynb/index.js';
