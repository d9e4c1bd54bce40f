package io.sparkscore.model.keras;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sparkscore.model.ModelFormatException;

import java.util.Map;

/** JSON in and out for Keras configs, as plain Java maps, lists, numbers, strings, booleans and nulls. */
final class KerasJson {

    // Keras writes Python's NaN/Infinity literals (e.g. ReLU max_value) into configs.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private KerasJson() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String json, String file, String what) {
        try {
            Object v = MAPPER.readValue(json, Object.class);
            if (!(v instanceof Map<?, ?>)) {
                throw new ModelFormatException(file, what + " should be a JSON object but starts with "
                        + abbreviate(json));
            }
            return (Map<String, Object>) v;
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
