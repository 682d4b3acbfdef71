// Unix socket housekeeping: a socket file left by a crashed sidecar is removed, a live one is not
// taken over, and the socket is made connectable by the owner and the group only (0660): the group
// is the web server's (inherit it with a setgid state folder, see README).
import { connect } from 'node:net';
import { lstat, unlink, chmod } from 'node:fs/promises';

export const SOCKET_MODE = 0o660;

export class ListenError extends Error {
  override name = 'ListenError';
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(1000, () => done(false));
  });
}

export async function prepareUnixSocket(path: string): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!st.isSocket()) throw new ListenError(`${path} exists and is not a socket: refusing to replace it`);
  if (await canConnect(path)) throw new ListenError(`another process is listening on ${path}`);
  await unlink(path);
}

export async function restrictUnixSocket(path: string): Promise<void> {
  await chmod(path, SOCKET_MODE);
}
