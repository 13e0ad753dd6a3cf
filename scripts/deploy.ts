import { deployToEmulator } from './lib/deploy.js';
import { ensureEmulator } from './lib/emulator.js';
import { runMain } from './lib/progress.js';

// Deploy every stack to the local emulator (starting it if needed); `npm run deploy:local`.
runMain(async () => {
  if (process.argv.length > 2)
    throw new Error(`unexpected argument '${process.argv[2]}'; this command takes none.`);
  const emulator = await ensureEmulator();
  await deployToEmulator(emulator.endpoint);
});
