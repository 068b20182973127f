// Preloaded by bench/build.ts into the measured CLI process: reports its peak RSS when it exits.
process.on('exit', () => {
	process.stderr.write(`\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
