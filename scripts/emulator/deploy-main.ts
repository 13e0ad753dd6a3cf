import { runMain } from '../shared/progress.js';
import { deployToEmulator } from './deploy.js';
import { ensureEmulator } from './emulator.js';

// Deploy every stack to the local emulator (starting it if needed); `npm run deploy:local`.
runMain(async () => {
  if (process.argv.length > 2)
    throw new Error(`unexpected argument '${process.argv[2]}'; this command takes none.`);
  const emulator = await ensureEmulator();
  await deployToEmulator(emulator.endpoint);
});
