package io.sparkscore.model;

/** The model file is missing, corrupt, truncated or not in a format sparkscore reads. Carries the file. */
public class ModelFormatException extends ModelException {

    private final String file;

    public ModelFormatException(String file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public ModelFormatException(String file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    public String file() {
        return file;
    }
}
