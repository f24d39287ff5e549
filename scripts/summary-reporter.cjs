// Spec output plus the closing line CI reads: "N passed, N failed[, N skipped]".
const Mocha = require('mocha');
class Summary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const s = runner.stats;
      console.log(`${s.passes} passed, ${s.failures} failed` + (s.pending ? `, ${s.pending} skipped` : ''));
    });
  }
}
module.exports = Summary;
