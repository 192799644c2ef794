//! The items' sentence vectors, kept beside the search index.
//!
//! Vectors are derived data, like the index: each node computes its own from the index it
//! holds, and losing the file only costs the time to compute them again. The file is an
//! append-only log, so a crash can at worst cut off its last record; it is compacted when
//! opened.

use std::collections::{BinaryHeap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

/// First bytes of the file: the format, so that an older or foreign file is not misread.
const MAGIC: &[u8; 8] = b"WWVEC01\n";

/// One item's vector and the hash of the text it was computed from.
struct Entry {
    text_hash: u64,
    vector: Box<[f32]>,
}

pub struct VectorStore {
    path: PathBuf,
    entries: RwLock<HashMap<i64, Entry>>,
    /// Apart from the entries, so that a search's scan never waits for the disk. Held while
    /// the entries change too, so that the log and the map change in the same order.
    log: Mutex<BufWriter<File>>,
}

impl VectorStore {
    /// Opens (or creates) the store in `dir`, keeping the newest record of each item.
    pub fn open(dir: &Path) -> io::Result<VectorStore> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("vectors.log");
        let entries = match File::open(&path) {
            Ok(f) => read_log(BufReader::new(f))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => HashMap::new(),
            Err(e) => return Err(e),
        };
        // Compact: write what is live to a new file, then move it into place.
        let fresh = dir.join("vectors.log.new");
        {
            let mut out = BufWriter::new(File::create(&fresh)?);
            out.write_all(MAGIC)?;
            for (id, e) in &entries {
                write_record(&mut out, *id, e.text_hash, &e.vector)?;
            }
            out.flush()?;
            out.get_ref().sync_all()?;
        }
        std::fs::rename(&fresh, &path)?;
        let log = BufWriter::new(OpenOptions::new().append(true).open(&path)?);
        Ok(VectorStore {
            path,
            entries: RwLock::new(entries),
            log: Mutex::new(log),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the item has no vector yet, or one of another text.
    pub fn needs(&self, id: i64, text_hash: u64) -> bool {
        self.read()
            .get(&id)
            .is_none_or(|e| e.text_hash != text_hash)
    }

    /// Stores vectors (normalised to unit length) and appends them to the log.
    pub fn put(&self, mut batch: Vec<(i64, u64, Vec<f32>)>) -> io::Result<()> {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        for (id, text_hash, vector) in &mut batch {
            normalise(vector);
            write_record(&mut *log, *id, *text_hash, vector)?;
        }
        log.flush()?;
        let mut entries = self.write();
        for (id, text_hash, vector) in batch {
            entries.insert(
                id,
                Entry {
                    text_hash,
                    vector: vector.into_boxed_slice(),
                },
            );
        }
        Ok(())
    }

    /// Forgets the items of `keep` answers false for (items no longer in the index).
    pub fn retain(&self, keep: impl Fn(i64) -> bool) -> io::Result<usize> {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let gone: Vec<i64> = self
            .read()
            .keys()
            .copied()
            .filter(|id| !keep(*id))
            .collect();
        for id in &gone {
            write_record(&mut *log, *id, 0, &[])?;
        }
        log.flush()?;
        let mut entries = self.write();
        for id in &gone {
            entries.remove(id);
        }
        Ok(gone.len())
    }

    /// The `k` items closest in meaning to `query`, closest first, with their cosine.
    pub fn nearest(&self, query: &[f32], k: usize) -> Vec<(i64, f32)> {
        let mut q = query.to_vec();
        normalise(&mut q);
        let entries = self.read();
        // A min-heap of the best k so far: one pass, no full sort. Equal cosines go to the
        // lower id, so that the answer does not depend on the map's order.
        type Key = (Ordered, std::cmp::Reverse<i64>);
        let mut best: BinaryHeap<std::cmp::Reverse<Key>> = BinaryHeap::new();
        for (id, e) in entries.iter() {
            if e.vector.len() != q.len() {
                continue;
            }
            let key = (Ordered(dot(&q, &e.vector)), std::cmp::Reverse(*id));
            if best.len() < k {
                best.push(std::cmp::Reverse(key));
            } else if best.peek().is_some_and(|worst| key > worst.0) {
                best.pop();
                best.push(std::cmp::Reverse(key));
            }
        }
        let mut out: Vec<(i64, f32)> = best
            .into_iter()
            .map(|std::cmp::Reverse((cos, id))| (id.0, cos.0))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<i64, Entry>> {
        self.entries.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<i64, Entry>> {
        self.entries.write().unwrap_or_else(|p| p.into_inner())
    }
}

/// A float with a total order, for the heap.
#[derive(Clone, Copy, PartialEq)]
struct Ordered(f32);
impl Eq for Ordered {}
impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Eight running sums instead of one: the compiler turns them into vector instructions, which
/// a single sum (whose order of additions it must keep) does not allow.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut sums = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for ((sum, x), y) in sums.iter_mut().zip(x).zip(y) {
            *sum += x * y;
        }
    }
    sums.iter().sum::<f32>() + tail
}

fn normalise(v: &mut [f32]) {
    let norm = dot(v, v).sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// A record: item id, text hash, dimension (0 = forgotten), then the floats; little-endian.
fn write_record(out: &mut impl Write, id: i64, text_hash: u64, vector: &[f32]) -> io::Result<()> {
    out.write_all(&id.to_le_bytes())?;
    out.write_all(&text_hash.to_le_bytes())?;
    out.write_all(&(vector.len() as u32).to_le_bytes())?;
    for x in vector {
        out.write_all(&x.to_le_bytes())?;
    }
    Ok(())
}

/// Reads the log; a record cut off at the end (a crash while appending) is ignored.
fn read_log(mut input: impl Read) -> io::Result<HashMap<i64, Entry>> {
    let mut magic = [0u8; 8];
    let mut entries = HashMap::new();
    if input.read_exact(&mut magic).is_err() || &magic != MAGIC {
        // Empty, foreign or of an older format: start again.
        return Ok(entries);
    }
    let mut head = [0u8; 20];
    loop {
        if input.read_exact(&mut head).is_err() {
            break;
        }
        let id = i64::from_le_bytes(head[0..8].try_into().unwrap_or_default());
        let text_hash = u64::from_le_bytes(head[8..16].try_into().unwrap_or_default());
        let dim = u32::from_le_bytes(head[16..20].try_into().unwrap_or_default()) as usize;
        if dim > 16_384 {
            break;
        }
        let mut raw = vec![0u8; dim * 4];
        if input.read_exact(&mut raw).is_err() {
            break;
        }
        if dim == 0 {
            entries.remove(&id);
            continue;
        }
        let vector: Box<[f32]> = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        entries.insert(id, Entry { text_hash, vector });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_survive_a_reopen_and_a_cut_off_last_record() {
        let dir = tempfile::tempdir().unwrap();
        let store = VectorStore::open(dir.path()).unwrap();
        store
            .put(vec![(1, 11, vec![1.0, 0.0]), (2, 22, vec![0.0, 3.0])])
            .unwrap();
        store.put(vec![(1, 12, vec![0.6, 0.8])]).unwrap();
        store.retain(|id| id != 2).unwrap();
        drop(store);
        // A crash in the middle of an append leaves half a record.
        let path = dir.path().join("vectors.log");
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&7i64.to_le_bytes()).unwrap();
        drop(f);

        let store = VectorStore::open(dir.path()).unwrap();
        assert_eq!(store.len(), 1);
        assert!(!store.needs(1, 12));
        assert!(store.needs(1, 11), "the text changed since");
        assert!(store.needs(2, 22), "forgotten");
        let near = store.nearest(&[0.6, 0.8], 5);
        assert_eq!(near.len(), 1);
        assert!((near[0].1 - 1.0).abs() < 1e-5);
    }

    #[test]
    fn the_dot_product_counts_every_element() {
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        let b = vec![2.0f32; 19];
        assert_eq!(dot(&a, &b), 2.0 * (0..19).sum::<i32>() as f32);
    }

    #[test]
    fn nearest_gives_the_closest_items_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = VectorStore::open(dir.path()).unwrap();
        store
            .put(vec![
                (1, 0, vec![1.0, 0.0]),
                (2, 0, vec![0.7, 0.7]),
                (3, 0, vec![0.0, 1.0]),
                (4, 0, vec![-1.0, -0.5]),
                (5, 0, vec![1.0, 0.0]),
            ])
            .unwrap();
        let ids: Vec<i64> = store
            .nearest(&[0.0, 2.0], 3)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        // 1 and 5 are as far: the lower id wins.
        assert_eq!(ids, vec![3, 2, 1]);
    }
}
