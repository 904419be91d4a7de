// What the app keeps on the phone, in one IndexedDB database: the outbox of changes not yet sent, and the vault (the
// encryption key and the encrypted job pack). Anything about a person is stored only encrypted, with AES-GCM under a
// key made on this phone that cannot be exported (the CryptoKey object itself is stored; its bytes never leave the
// browser's crypto). Signing out deletes the whole database (session.js).

export const DB_NAME = 'amhp-device';
const VERSION = 1;

let opening;
/**
 * Set by sign-out until someone signs in again: nothing may be kept then, so a read or a send still on its way when
 * she signed out (a pack read answered after the database was deleted) is refused here instead of making the database
 * again and keeping a person's data on a phone nobody is signed in to.
 */
let signedOut = false;

/** Signing out: from now until someone signs in, nothing more is kept (what is kept is deleted next). */
export function lockDevice() {
  signedOut = true;
}

/** Someone signed in on this page: the phone may keep their data again. */
export function allowDevice() {
  signedOut = false;
}

/** The database, opened once per page. */
export function openDevice() {
  if (signedOut) return Promise.reject(new Error('Signed out: nothing is kept on this phone until someone signs in.'));
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      if (!db.objectStoreNames.contains('vault')) db.createObjectStore('vault', { keyPath: 'name' });
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab deleting the database (sign-out) asks us to let go.
      db.onversionchange = () => {
        db.close();
        opening = undefined;
      };
      resolve(db);
    };
    req.onerror = () => {
      opening = undefined;
      reject(req.error);
    };
    req.onblocked = () => undefined;
  });
  return opening;
}

/** Whether this phone holds the app's database at all (without making it). */
export async function deviceExists() {
  if (!self.indexedDB) return false;
  if (!indexedDB.databases) return true;
  return (await indexedDB.databases()).some((d) => d.name === DB_NAME);
}

/**
 * Opens the database for one look, whatever the lock says (nothing is added), or null when there is none. A database
 * deleted between the check and the open (another tab signing out) is not made again: the open that would create it
 * is abandoned.
 */
async function openForLook() {
  if (!(await deviceExists())) return null;
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    let gone = false;
    req.onupgradeneeded = (event) => {
      if (event.oldVersion === 0) {
        gone = true;
        req.transaction.abort();
        return;
      }
      const db = req.result;
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      if (!db.objectStoreNames.contains('vault')) db.createObjectStore('vault', { keyPath: 'name' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = (event) => {
      if (!gone) return reject(req.error);
      event.preventDefault();
      resolve(null);
    };
  });
}

/**
 * Every change in the outbox, of any user, as stored (sealed): the sign-in screen counts those a session that ended
 * left waiting. Read even while signed out; nothing is made or kept.
 */
export async function peekOutbox() {
  const db = await openForLook();
  if (!db) return [];
  try {
    return await new Promise((resolve, reject) => {
      const all = db.transaction('outbox').objectStore('outbox').getAll();
      all.onsuccess = () => resolve(all.result);
      all.onerror = () => reject(all.error);
    });
  } finally {
    db.close();
  }
}

/**
 * Changes on this phone not sent yet, of any user (read while nobody is signed in): the sign-in screen says how many a
 * session that ended left waiting. Here rather than in outbox.js, so that the sign-in screen, the first a phone shows,
 * does not fetch the outbox. Resolves to { pending, users } (users: how many people they belong to).
 */
export async function waitingOnPhone() {
  const pending = (await peekOutbox()).filter((i) => i.state === 'pending');
  return { pending: pending.length, users: new Set(pending.map((i) => i.user)).size };
}

/**
 * Sign-out of `me`: deletes the job pack and `me`'s changes, and keeps the changes other users saved on this phone and
 * could not send (their session ended before): their work is not lost because someone else signed out here. Resolves
 * to how many changes are kept (0: the caller deletes the whole database).
 */
export async function keepOnlyOthersChanges(me) {
  const db = await openForLook();
  if (!db) return 0;
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(['outbox', 'vault'], 'readwrite');
      let kept = 0;
      const outbox = tx.objectStore('outbox');
      const all = outbox.getAll();
      all.onsuccess = () => {
        for (const item of all.result) {
          if (item.user && item.user !== me) kept++;
          else outbox.delete(item.seq);
        }
      };
      tx.objectStore('vault').delete('pack');
      tx.oncomplete = () => resolve(kept);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Runs `fn(store)` in one transaction on `storeName`; resolves with what `fn` resolved once the transaction commits. */
export async function inStore(storeName, mode, fn) {
  const db = await openDevice();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onerror = tx.onabort = () => reject(tx.error);
    Promise.resolve(fn(tx.objectStore(storeName))).then(
      (r) => {
        result = r;
      },
      (err) => {
        tx.abort();
        reject(err);
      },
    );
  });
}

/** An IDBRequest as a promise. */
export function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Closes this page's connection and deletes the database (sign-out, once lockDevice has stopped any more keeping). */
export async function deleteDevice() {
  if (opening) {
    try {
      (await opening).close();
    } catch {
      // never opened: nothing to close
    }
    opening = undefined;
  }
  cryptoKey = undefined;
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

let cryptoKey;

/** This phone's key: AES-GCM 256, made here, not extractable, kept in the vault. */
async function key() {
  if (cryptoKey) return cryptoKey;
  const stored = await inStore('vault', 'readonly', (s) => done(s.get('key')));
  if (stored) return (cryptoKey = stored.key);
  const made = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  // Two tabs may race to make it: the first one stored wins, and both use that one.
  const kept = await inStore('vault', 'readwrite', async (s) => {
    const raced = await done(s.get('key'));
    if (raced) return raced.key;
    s.put({ name: 'key', key: made });
    return made;
  });
  return (cryptoKey = kept);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `value` as JSON, encrypted: { iv, data } (bytes), for IndexedDB. */
export async function seal(value) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await key(), encoder.encode(JSON.stringify(value)));
  return { iv, data: new Uint8Array(data) };
}

/** The value `seal` sealed; throws if it was tampered with or sealed under another key. */
export async function open(sealed) {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, await key(), sealed.data);
  return JSON.parse(decoder.decode(plain));
}
