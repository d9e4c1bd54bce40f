package io.sparkscore.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.util.UUID;

/**
 * {@code --mode overwrite} of an existing output directory without losing it to a failed run. Spark's own static
 * overwrite deletes the old output before its job starts, so a run whose task fails every attempt would leave
 * nothing. Here the new output is written (and committed) into a hidden sibling directory, and only then swapped in
 * by two renames on the same file system; a failed write leaves the old output untouched and the staging directory
 * removed.
 */
final class StagedOverwrite {

    private StagedOverwrite() {
    }

    static void save(DataFrameWriter<Row> writer, String output, Configuration conf) {
        Path target = new Path(output);
        Path parent = target.getParent();
        String run = UUID.randomUUID().toString();
        Path staging = new Path(parent, "." + target.getName() + ".sparkscore-staging-" + run);
        Path replaced = new Path(parent, "." + target.getName() + ".sparkscore-replaced-" + run);
        FileSystem fs;
        try {
            fs = target.getFileSystem(conf);
        } catch (IOException e) {
            throw new JobFailedException("cannot reach the file system of " + output + ": " + e.getMessage(), e);
        }
        try {
            writer.save(staging.toString());
        } catch (Exception e) { // including Spark's undeclared SparkException, rethrown as it came
            deleteQuietly(fs, staging, e);
            throw e;
        }
        try {
            if (!fs.rename(target, replaced)) {
                throw new IOException("rename of " + target + " to " + replaced + " failed");
            }
            if (!fs.rename(staging, target)) {
                fs.rename(replaced, target);
                throw new IOException("rename of " + staging + " to " + target + " failed");
            }
            fs.delete(replaced, true);
        } catch (IOException e) {
            throw new JobFailedException("the new output was written to " + staging + " but could not replace "
                    + output + " (" + e.getMessage() + "); the old output is at " + output + " or " + replaced
                    + ", move the new one in by hand or rerun", e);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path dir, Exception failure) {
        try {
            fs.delete(dir, true);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
