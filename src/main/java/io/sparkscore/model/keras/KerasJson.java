package io.sparkscore.model.keras;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sparkscore.model.ModelFormatException;

import java.util.Map;

/**
 * JSON in and out for Keras configs, as plain Java maps, lists, numbers, strings, booleans and nulls. Reading is
 * bounded ({@link ReadLimits}: size, nesting depth) and never binds to a type the document names.
 */
final class KerasJson {

    // Keras writes Python's NaN/Infinity literals (e.g. ReLU max_value) into configs.
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(ReadLimits.MAX_JSON_NESTING)
                            .maxStringLength(ReadLimits.MAX_JSON_BYTES)
                            .build())
                    .build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private KerasJson() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String json, String file, String what) {
        if (json.length() > ReadLimits.MAX_JSON_BYTES) {
            throw new ModelFormatException(file, what + " is " + json.length() + " characters long, more than the "
                    + ReadLimits.MAX_JSON_BYTES + " a Keras config may have");
        }
        try {
            Object v = MAPPER.readValue(json, Object.class);
            if (!(v instanceof Map<?, ?>)) {
                throw new ModelFormatException(file, what + " should be a JSON object but starts with "
                        + abbreviate(json));
            }
            return (Map<String, Object>) v;
        } catch (StreamConstraintsException e) {
            throw new ModelFormatException(file, what + " is refused: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file, what + " is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a plain JSON value", e);
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }
}
