/**
 * Numbered schema migrations. A workspace records the highest number applied in
 * `PRAGMA user_version`; opening a workspace applies the missing ones in order,
 * each inside one transaction. Never edit a migration that has shipped: add one.
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'datasets, images, identities, attributes, models, embeddings, jobs',
    sql: `
      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        layout TEXT NOT NULL,                 -- 'market1501' | 'dukemtmc'
        root_dir TEXT NOT NULL,
        evaluation_only INTEGER NOT NULL,     -- 1 when the folder has no bounding_box_train
        import_report TEXT NOT NULL,          -- JSON import report
        created_at TEXT NOT NULL
      );

      CREATE TABLE identities (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL,           -- the number in the file name; 0 marks distractors
        UNIQUE (dataset_id, person_id)
      );

      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
        split TEXT NOT NULL CHECK (split IN ('train', 'query', 'gallery')),
        camera_id INTEGER NOT NULL,
        path TEXT NOT NULL,                   -- relative to datasets.root_dir
        content_hash TEXT NOT NULL,           -- sha256 of the file bytes, hex
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        UNIQUE (dataset_id, path)
      );
      CREATE INDEX images_by_split ON images (dataset_id, split);
      CREATE INDEX images_by_identity ON images (identity_id);
      CREATE INDEX images_by_hash ON images (content_hash);

      CREATE TABLE attribute_schemas (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value_meanings TEXT NOT NULL,         -- JSON object: coded value -> meaning
        position INTEGER NOT NULL,
        UNIQUE (dataset_id, name)
      );

      CREATE TABLE attribute_values (
        identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
        attribute_id INTEGER NOT NULL REFERENCES attribute_schemas(id) ON DELETE CASCADE,
        value INTEGER NOT NULL,               -- the coded value from the attribute file
        PRIMARY KEY (identity_id, attribute_id)
      ) WITHOUT ROWID;

      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        file_path TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,    -- sha256 of the ONNX file, hex
        card TEXT NOT NULL,                   -- JSON model card
        created_at TEXT NOT NULL
      );

      -- Keyed by hashes, not ids, so that a re-imported image or re-registered
      -- model with the same bytes reuses its embeddings.
      CREATE TABLE embeddings (
        model_hash TEXT NOT NULL,
        image_hash TEXT NOT NULL,
        dimension INTEGER NOT NULL,
        vector BLOB NOT NULL,                 -- float32 little-endian, not normalised
        PRIMARY KEY (model_hash, image_hash)
      ) WITHOUT ROWID;

      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
        params TEXT NOT NULL,                 -- JSON
        progress TEXT,                        -- JSON of the last progress event
        result TEXT,                          -- JSON
        error TEXT,                           -- JSON { code, message }
        started_at TEXT NOT NULL,
        finished_at TEXT
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL                   -- JSON
      );
    `,
  },
  {
    version: 2,
    description: 'prompts with revisions, review status, attribute words, instructions, generation cache',
    sql: `
      -- One editable prompt: an identity's ChatGPT prompt ('chat'), one image's VQA
      -- answer or sentence for one question, or a dataset's implicit prompt template.
      CREATE TABLE prompts (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('chat', 'vqa_answer', 'vqa_sentence', 'implicit')),
        identity_id INTEGER REFERENCES identities(id) ON DELETE CASCADE,
        image_id INTEGER REFERENCES images(id) ON DELETE CASCADE,
        question_key TEXT,                    -- VQA kinds only
        current_revision INTEGER NOT NULL     -- prompt_revisions.number shown now
      );
      -- A plain UNIQUE constraint would treat the NULL columns as all distinct.
      CREATE UNIQUE INDEX prompts_by_subject ON prompts (dataset_id, kind, IFNULL(identity_id, 0), IFNULL(image_id, 0), IFNULL(question_key, ''));
      CREATE INDEX prompts_by_identity ON prompts (identity_id);
      CREATE INDEX prompts_by_image ON prompts (image_id);

      -- Append-only history; numbers count from 1 per prompt.
      CREATE TABLE prompt_revisions (
        prompt_id INTEGER NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('generated', 'edited', 'imported', 'reverted')),
        action TEXT NOT NULL CHECK (action IN ('change', 'undo', 'redo')),
        restores INTEGER,                     -- number of the revision whose text a revert, undo or redo copies
        generator TEXT,                       -- 'template', 'chat', 'vqa-chat', 'vqa-onnx'; null for edits
        model TEXT,
        instruction_version INTEGER,
        cache_key TEXT,                       -- sha256 of what the generator read, hex
        failed_checks TEXT NOT NULL,          -- JSON array of reply check failures
        detail TEXT,                          -- JSON: tokens, raw VQA reply, ...
        created_at TEXT NOT NULL,
        PRIMARY KEY (prompt_id, number)
      ) WITHOUT ROWID;

      CREATE TABLE prompt_reviews (
        identity_id INTEGER PRIMARY KEY REFERENCES identities(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('unreviewed', 'reviewed', 'flagged')),
        note TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- Overrides of the built-in attribute vocabulary; a null word leaves the value out of prompts.
      CREATE TABLE attribute_words (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        attribute_name TEXT NOT NULL,
        value INTEGER NOT NULL,
        word TEXT,
        role TEXT NOT NULL,
        PRIMARY KEY (dataset_id, attribute_name, value)
      ) WITHOUT ROWID;

      CREATE TABLE prompt_instructions (
        version INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      -- Chat replies that passed every check, keyed by sha256 of (attribute words, instruction version, model).
      CREATE TABLE prompt_generation_cache (
        cache_key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        instruction_version INTEGER NOT NULL,
        words TEXT NOT NULL,                  -- JSON array
        reply TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'training runs with their epochs and loss-curve steps',
    sql: `
      -- One MP-ReID training run. Its checkpoints and ONNX artifacts live in the
      -- folder run_dir, which is <workspace file>.runs/<run id>/ next to the workspace.
      CREATE TABLE training_runs (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        image_model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        preset TEXT NOT NULL,                 -- preset the configuration started from
        config TEXT NOT NULL,                 -- JSON MpreidConfig, preset merged with overrides
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
        prompt_revisions TEXT NOT NULL,       -- JSON object: prompt id -> revision number trained on
        code_version TEXT NOT NULL,           -- package version and git commit, or 'unknown'
        vocabulary_path TEXT NOT NULL,        -- CLIP vocabulary the prompts were tokenized with
        run_dir TEXT NOT NULL,
        figures TEXT,                         -- JSON retrieval figures after the last evaluated epoch
        baseline TEXT,                        -- JSON retrieval figures of the frozen features
        features TEXT NOT NULL,               -- what the evaluated features were made of, in words
        oracle INTEGER NOT NULL,              -- 1 when evaluation used prompts derived from identity labels
        artifacts TEXT,                       -- JSON MpreidArtifacts of a succeeded run
        search_model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
        job_id INTEGER,                       -- latest job that ran the run
        error TEXT,                           -- JSON { code, message } of the last failure
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX training_runs_by_dataset ON training_runs (dataset_id);

      CREATE TABLE training_epochs (
        run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
        stage TEXT NOT NULL CHECK (stage IN ('stage1', 'stage2')),
        epoch INTEGER NOT NULL,
        losses TEXT NOT NULL,                 -- JSON object: loss term -> mean over the epoch
        figures TEXT,                         -- JSON retrieval figures, null when not evaluated
        seconds REAL NOT NULL,
        PRIMARY KEY (run_id, stage, epoch)
      ) WITHOUT ROWID;

      -- Every optimizer step is kept: a long run has some tens of thousands of
      -- rows of about 100 bytes, and readers reduce them to a bounded curve.
      CREATE TABLE training_steps (
        run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
        stage TEXT NOT NULL CHECK (stage IN ('stage1', 'stage2')),
        step INTEGER NOT NULL,                -- 1-based within the stage
        epoch INTEGER NOT NULL,
        learning_rate REAL NOT NULL,
        losses TEXT NOT NULL,                 -- JSON object: loss term -> value
        PRIMARY KEY (run_id, stage, step)
      ) WITHOUT ROWID;
    `,
  },
];
