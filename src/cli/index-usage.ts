/** The help texts of `ppserve index` and of each of its sub-commands. */
import { DEFAULT_CONFIG_PATH } from '../config/load-config.js'
import { MIRROR_ENV } from '../runtime/pull/index.js'

export const INDEX_ACTIONS = ['build', 'append', 'remove', 'import', 'info'] as const
export type IndexAction = (typeof INDEX_ACTIONS)[number]

/** The model `import` records when none is given: the extractor PaddleClas's drink index was built with. */
export const DEFAULT_IMPORT_MODEL = 'general_PPLCNet_x2_5_lite_v1.0'

const COMMON = `common options:
  --name NAME          the index: folder INDEXES_DIR/NAME (letters, digits, _ . -; required)
  --config FILE        serving config whose defaults apply (default ${DEFAULT_CONFIG_PATH}; built-in defaults
                       when that file does not exist)
  --indexes-dir DIR    where indexes live (default: services.recognize.indexes_dir)`

const MODEL = `  --model PKG          feature model package (default: services.recognize.feature_model for build, the
                       index's own model for append); pulled first when its weights are missing
                       (models.auto_pull), like serve does
  --models-dir DIR     model packages folder (default: models.dir)
  --mirror DIR         pull from DIR instead of the network (default: $${MIRROR_ENV}, else models.mirror)`

const DATA = `  --data-file FILE     PaddleClas data file: one image per line, relative/path.jpg<TAB>label
  --image-root DIR     folder the data file's paths are relative to (a path may not leave it)
  --strict             any bad line, missing or undecodable image is fatal, and nothing is written
                       (default: reported with its line number and skipped)
  --batch-size N       images per feature-extraction batch (default 32, PaddleClas's)`

const USAGES: Record<IndexAction, string> = {
  build: `usage: ppserve index build --name NAME --data-file FILE --image-root DIR [options]

Embeds every image of the data file with the feature model (progress on stderr) and creates the
index (build_gallery.py's "new"), then prints a summary. Whitening is fitted on the images when
there are at least 200 of them (services.recognize.index.whitening: learned = PCA, then learned
from the labels' differences; pca = PCA only), and applied to every later item and query.

${DATA}
  --method M           Flat | HNSW | IVF (default: services.recognize.index.method)
  --metric M           IP | L2 (default: services.recognize.index.metric)
  --no-whiten          store raw features (default: services.recognize.index.whiten)
  --force              replace an existing index: the new one is built beside it and swapped in, so a
                       failure leaves the old one

${COMMON}
${MODEL}`,
  append: `usage: ppserve index append --name NAME --data-file FILE --image-root DIR [options]

Embeds the images of the data file and adds them to an existing index as one new generation
(build_gallery.py's "append"): killed or failing half-way, the index keeps its old content. The
index's whitening applies; the feature model must be the one the index was built with.

${DATA}

${COMMON}
${MODEL}`,
  remove: `usage: ppserve index remove --name NAME (--id ID... | --label LABEL... | --data-file FILE) [options]

Removes entries in one new generation (build_gallery.py's "remove"; HNSW indexes are rebuilt), then
reports how many went and which selectors matched nothing. Selectors combine; exit 1 when nothing
matched at all.

  --id ID              remove the entry with this id (repeatable)
  --label LABEL        remove every entry with this label (repeatable)
  --data-file FILE     remove every entry whose image path and label are a line of FILE

${COMMON}`,
  import: `usage: ppserve index import --name NAME --from DIR [options]

Converts a PaddleClas index folder (vector.index + id_map.pkl, as build_gallery.py writes them) into
a ppserve index, keeping its ids and labels; prints dim, ntotal and the classes.

  --from DIR           the PaddleClas index folder
  --model NAME         the feature extractor the vectors come from; queries must use the same one
                       (default ${DEFAULT_IMPORT_MODEL})
  --method M           Flat | HNSW | IVF (default: the PaddleClas index's own)
  --force              replace an existing index (built beside it and swapped in)

${COMMON}`,
  info: `usage: ppserve index info --name NAME [--json] [options]

Prints the index's size, dimension, metric, method, feature model, whitening, generation and
classes (images per label, the 20 largest in text mode).

  --json               everything as one JSON object on stdout (every label)

${COMMON}`,
}

export const INDEX_USAGE = `usage: ppserve index <build | append | remove | import | info> --name NAME [options]

Gallery indexes for POST /recognize, like PaddleClas's build_gallery.py. Every change is written
as a complete new generation and switched to atomically: an interrupted command leaves the index
as it was.

  build    embed the images of a data file and create an index
  append   embed more images and add them to an index
  remove   remove entries by id, label, or the lines of a data file
  import   convert a PaddleClas index (vector.index + id_map.pkl)
  info     size, dimension, metric, method, model, whitening, generation, classes

npx ppserve index <sub-command> --help for its options. A running server keeps the indexes it
has opened in memory: change those through its /gallery API, or restart it after changing them here.`

export function isIndexAction(value: string | undefined): value is IndexAction {
  return (INDEX_ACTIONS as readonly string[]).includes(value ?? '')
}

/** The help for `ppserve index ARGS --help`: the sub-command's when ARGS name one, else the overview. */
export function indexUsage(args: readonly string[]): string {
  const action = args.find((arg) => !arg.startsWith('-'))
  return isIndexAction(action) ? USAGES[action] : INDEX_USAGE
}
