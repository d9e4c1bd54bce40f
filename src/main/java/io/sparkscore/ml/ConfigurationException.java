package io.sparkscore.ml;

/** An option, path or combination of options that cannot work; found on the driver before anything is written. */
public class ConfigurationException extends JobException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
