package io.sparkscore.model.keras;

/**
 * What reading one model file may cost, whoever wrote the file. Model files come from shared storage, so every size a
 * file declares is checked against these bounds (and against the file's own size) before memory is allocated for
 * it. The bounds are far above what Keras writes: a real {@code .keras} archive holds three entries, stored
 * uncompressed, with a config of kilobytes to a few megabytes.
 */
final class ReadLimits {

    /** Entries in a {@code .keras} zip; Keras writes three plus assets. */
    static final int MAX_ZIP_ENTRIES = 10_000;
    /** Size of one JSON document (config.json, metadata.json, an architecture file, a model_config attribute). */
    static final int MAX_JSON_BYTES = 64 << 20;
    /** All adapted lookup vocabularies of one {@code .keras} archive's assets together (UTF-8 bytes). */
    static final long MAX_VOCABULARY_BYTES = 256L << 20;
    /** Nesting depth of a JSON document; a deeply nested Functional config stays under 50. */
    static final int MAX_JSON_NESTING = 256;
    /**
     * Uncompressed : compressed bytes of a zip entry. Float weights barely compress (Keras stores them
     * uncompressed), so a far higher ratio means a decompression bomb.
     */
    static final int MAX_COMPRESSION_RATIO = 100;
    /** The ratio is only judged past this many bytes: small JSON entries legitimately compress well. */
    static final long RATIO_CHECKED_AFTER_BYTES = 1 << 20;
    /** A weights file up to this size is kept in memory while it is read; larger ones go to a local temp file. */
    static final long IN_MEMORY_WEIGHTS_BYTES = 64L << 20;

    private ReadLimits() {
    }
}
