import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InvalidVectors } from '../../src/retrieval/errors.js'
import { IdMap } from '../../src/retrieval/id-map.js'
import { items } from './helpers/vectors.js'

describe('IdMap', () => {
  it('hands out consecutive fresh ids and keeps entries in position order', () => {
    const { map, ids } = IdMap.empty().withAdded(items([0, 1, 2]))
    assert.deepEqual(ids, [0, 1, 2])
    assert.deepEqual(map.entries.map((e) => e.label), ['item-0', 'item-1', 'item-2'])
    assert.equal(map.nextId, 3)
  })

  it('removal compacts positions like a flat faiss index and keeps every id', () => {
    const added = IdMap.empty().withAdded(items([0, 1, 2, 3, 4])).map
    const { map, positions } = added.withRemoved([1, 3])
    assert.deepEqual(positions.sort(), [1, 3])
    assert.deepEqual(map.entries.map((e) => e.id), [0, 2, 4])
    assert.equal(map.positionOf(4), 2, 'id 4 moved from position 4 to 2')
    assert.equal(map.positionOf(3), undefined)
    assert.equal(added.positionOf(4), 4, 'the old map is unchanged (copy-on-write)')
  })

  it('never reuses an id, even the last one after it is removed', () => {
    const map = IdMap.empty().withAdded(items([0, 1, 2])).map.withRemoved([2]).map
    const { ids } = map.withAdded(items([9]))
    assert.deepEqual(ids, [3])
  })

  it('refuses to remove an unknown id, naming it, and changes nothing', () => {
    const map = IdMap.empty().withAdded(items([0, 1])).map
    assert.throws(() => map.withRemoved([0, 7]), (error: Error) => error instanceof InvalidVectors && /id 7 is not in the gallery/.test(error.message))
    assert.equal(map.size, 2)
  })
})
