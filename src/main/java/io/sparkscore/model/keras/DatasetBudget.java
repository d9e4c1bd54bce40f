package io.sparkscore.model.keras;

import io.jhdf.api.Dataset;
import io.sparkscore.model.ModelFormatException;

import java.util.Arrays;
import java.util.Set;

/**
 * Checks each weight dataset of one HDF5 file before its values are read: its declared shape must not overflow, its
 * values must be numbers, and it must fit in the file (uncompressed datasets) or in a plausible expansion of it
 * (compressed ones), and all weights read so far must fit in this JVM's heap. A hostile header can thus not make the
 * reader allocate more than the file could really hold. Not thread-safe; one per file read.
 */
final class DatasetBudget {

    private static final Set<Class<?>> NUMERIC = Set.of(float.class, double.class, long.class, int.class,
            short.class, byte.class, Float.class, Double.class, Long.class, Integer.class, Short.class, Byte.class);

    private final String file;
    private final long fileBytes;
    private long rawBytesClaimed;
    private long floatBytesClaimed;

    DatasetBudget(String file, long fileBytes) {
        this.file = file;
        this.fileBytes = fileBytes;
    }

    /** Charges the dataset's size to the budget, or refuses it with what it declares and what the file holds. */
    void claim(Dataset ds) {
        int[] dims = ds.isScalar() ? new int[0] : ds.getDimensions();
        long count = 1;
        for (int d : dims) {
            if (d < 0) {
                throw refuse(ds, "declares the shape " + Arrays.toString(dims) + " with a negative dimension");
            }
            count = multiply(ds, dims, count, d);
        }
        if (!NUMERIC.contains(ds.getJavaType())) {
            throw refuse(ds, "holds " + ds.getJavaType().getSimpleName() + " values, not numbers");
        }
        long rawBytes = multiply(ds, dims, count, Math.max(1, ds.getDataType().getSize()));
        boolean compressed = !ds.getFilters().isEmpty();
        long fits = compressed ? fileBytes * ReadLimits.MAX_COMPRESSION_RATIO : fileBytes;
        if (rawBytes > fits) {
            throw refuse(ds, "declares the shape " + Arrays.toString(dims) + " (" + rawBytes + " bytes) but the"
                    + " whole file has " + fileBytes + " bytes" + (compressed ? " compressed" : ""));
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw refuse(ds, "declares the shape " + Arrays.toString(dims) + ", " + count + " values, more than one"
                    + " weight array may hold");
        }
        rawBytesClaimed += rawBytes;
        floatBytesClaimed += count * Float.BYTES;
        if (rawBytesClaimed > fileBytes * ReadLimits.MAX_COMPRESSION_RATIO) {
            throw refuse(ds, "brings the weights read to " + rawBytesClaimed + " bytes, far more than the file's "
                    + fileBytes + " bytes can hold (are datasets listed more than once?)");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (floatBytesClaimed + rawBytes > heap) {
            throw new ModelFormatException(file, "needs more than " + floatBytesClaimed + " bytes of heap for its"
                    + " weights, more than this JVM's maximum heap of " + heap + " bytes; give the driver more"
                    + " memory (spark.driver.memory / --driver-memory)");
        }
    }

    private long multiply(Dataset ds, int[] dims, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw refuse(ds, "declares the shape " + Arrays.toString(dims) + ", whose size overflows");
        }
    }

    private ModelFormatException refuse(Dataset ds, String problem) {
        return new ModelFormatException(file, "weight dataset '" + ds.getPath() + "' is refused: it " + problem);
    }
}
