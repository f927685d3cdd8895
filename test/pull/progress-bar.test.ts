import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createProgressBar, formatBytes } from '../../src/runtime/pull/progress-bar.js'
import { progressSink } from './helpers/progress-sink.js'

const MiB = 1024 * 1024

describe('download progress bar', () => {
  test('formats bytes in binary units', () => {
    assert.deepEqual([formatBytes(512), formatBytes(1536), formatBytes(5 * MiB), formatBytes(3 * 1024 * MiB)], ['512 B', '1.5 KiB', '5.0 MiB', '3.0 GiB'])
  })

  test('a non-TTY gets one line per 10 % (bytes, percent, speed), and no duplicate at the end', () => {
    const sink = progressSink(false)
    let clock = 0
    const bar = createProgressBar(sink, 'm:', 100 * MiB, () => clock)
    for (let mib = 1; mib <= 100; mib++) {
      clock += 10
      bar.update(mib * MiB)
    }
    bar.finish()
    const lines = sink.text.trimEnd().split('\n')
    assert.equal(lines.length, 10)
    assert.equal(lines[0], 'm: 10.0 MiB / 100.0 MiB  10% 100.0 MiB/s')
    assert.equal(lines[9], 'm: 100.0 MiB / 100.0 MiB 100% 100.0 MiB/s')
  })

  test('an unknown size prints every 10 MiB and a final line', () => {
    const sink = progressSink(false)
    const bar = createProgressBar(sink, 'm:', undefined, () => 1000)
    for (let mib = 1; mib <= 25; mib++) bar.update(mib * MiB)
    bar.finish()
    assert.deepEqual(sink.text.trimEnd().split('\n').map((l) => l.split(' ').slice(0, 3).join(' ')), ['m: 10.0 MiB', 'm: 20.0 MiB', 'm: 25.0 MiB'])
  })

  test('a TTY redraws one line in place, at most every 100 ms, and ends it', () => {
    const sink = progressSink(true)
    let clock = 1000
    const bar = createProgressBar(sink, 'm:', 4 * MiB, () => clock)
    bar.update(1 * MiB)
    clock += 50
    bar.update(2 * MiB) // too soon: skipped
    clock += 100
    bar.update(3 * MiB)
    clock += 10
    bar.update(4 * MiB) // skipped, but finish draws the final state
    bar.finish()
    const draws = sink.text.split('\r').filter(Boolean)
    assert.deepEqual(draws.map((d) => d.match(/(\d+)%/)?.[1]), ['25', '75', '100'])
    assert.ok(draws.every((d) => d.includes('\x1b[K')))
    assert.ok(sink.text.endsWith('\n') && !sink.text.slice(0, -1).includes('\n'))
  })
})
