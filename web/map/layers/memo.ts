// deck.gl compares a layer's data by identity: a new object on every render makes it process the data again (the
// heat aggregated anew, features re-tessellated, a label atlas rebuilt) when only another layer changed. The
// factories build their data through these, once per input.

/** `fn` of an object, made once per object. */
export function onceEach<K extends object, V>(fn: (k: K) => V): (k: K) => V {
  const made = new WeakMap<K, V>();
  return (k) => {
    let v = made.get(k);
    if (v === undefined) made.set(k, (v = fn(k)));
    return v;
  };
}

/** `fn` of an object and a key, the latest few per object. */
export function onceEachBy<K extends object, P, V>(fn: (k: K, p: P) => V): (k: K, p: P) => V {
  const made = new WeakMap<K, Map<P, V>>();
  return (k, p) => {
    let byP = made.get(k);
    if (!byP) made.set(k, (byP = new Map()));
    let v = byP.get(p);
    if (v === undefined) {
      if (byP.size >= 8) byP.delete(byP.keys().next().value as P);
      byP.set(p, (v = fn(k, p)));
    }
    return v;
  };
}

/** A GeoJSON FeatureCollection of these features, one per array. */
export const collectionOf = onceEach(<F>(features: readonly F[]) => ({ type: 'FeatureCollection' as const, features }));
