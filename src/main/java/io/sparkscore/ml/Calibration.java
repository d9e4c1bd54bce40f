package io.sparkscore.ml;

import java.util.Locale;

/** Whether scoring measures the candidate plans first. */
public enum Calibration {
    /** Calibrate unless both the batch size and the path are fixed; reuse a stored plan when there is one. */
    AUTO,
    /** Always calibrate, and replace any stored plan. */
    FORCE,
    /** Never calibrate: the fixed (or default) batch size on the fixed (or first runnable) path. */
    OFF;

    /** The setting's default, as the word the CLI flag and the Transformer param take. */
    public static final String DEFAULT = "auto";

    public static Calibration parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw JobException.config("unknown calibration '" + s + "'; expected auto, force or off");
        }
    }

    /** Whether a run with these constraints measures before scoring. */
    public boolean calibrates(boolean batchFixed, boolean pathFixed) {
        return switch (this) {
            case FORCE -> true;
            case OFF -> false;
            case AUTO -> !batchFixed || !pathFixed;
        };
    }
}
