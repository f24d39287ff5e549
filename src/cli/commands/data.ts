import type { Command } from 'commander';
import { listDatasets } from '../../engine/data/index.js';
import { formatTable } from '../format.js';
import { inCliTerms } from '../errors.js';

export function registerData(program: Command): void {
  const data = program.command('data').description('Datasets: what is available here and where from.');
  data
    .command('list')
    .description('List the datasets semslice knows, whether each is available here, and its source.')
    .action(() => {
      const rows = listDatasets().map((d) => [d.name, d.available ? 'yes' : 'no', inCliTerms(d.sourceText), d.description]);
      console.log(formatTable(['dataset', 'available', 'source', 'description'], rows));
    });
}
