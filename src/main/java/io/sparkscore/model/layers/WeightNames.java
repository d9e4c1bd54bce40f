package io.sparkscore.model.layers;

import java.util.List;
import java.util.Map;

/**
 * The canonical names of a layer's weights, in the order Keras creates them, from its config: both the positional
 * order of a Keras 3 {@code vars/<i>} group and the order of a legacy HDF5 file's {@code weight_names}.
 */
@FunctionalInterface
public interface WeightNames {

    List<String> of(Map<String, Object> config);

    WeightNames NONE = config -> List.of();
}
