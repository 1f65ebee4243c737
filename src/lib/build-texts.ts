// The texts build.mjs writes into the sh files, from the same code Node prints them with.
import { commandLines, summaryLine, usage } from './help';
import { untouchedBlock } from './report';

module.exports = { commandLines: commandLines(), summaryLine: summaryLine(), usage: usage(), untouchedBlock: untouchedBlock({}) };
