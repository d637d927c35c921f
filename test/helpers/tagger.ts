// Child process for the concurrency test: many read-modify-write updates of one session's manifest.
import { SessionStore } from '../../lab/sessions/store';

const [root, id, prefix, count] = process.argv.slice(2);
(async () => {
  const store = new SessionStore(root);
  for (let i = 0; i < Number(count); i++) await store.update(id, (m) => void m.tags.push(`${prefix}-${i}`));
})().catch((e) => {
  process.stderr.write(String(e));
  process.exit(1);
});
