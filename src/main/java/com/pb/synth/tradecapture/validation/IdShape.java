package com.pb.synth.tradecapture.validation;

import com.pb.synth.tradecapture.domain.PartitionKey;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An id that can take part in a partition key ({@link PartitionKey#ID}); null is valid (pair it
 * with {@code @NotBlank}). The same check and message as {@code @Pattern(regexp = PartitionKey.ID_SHAPE)}, without a
 * regular expression: every trade has several ids, and the regex matcher was a measurable share of
 * capture's CPU and allocation.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = IdShape.Validator.class)
public @interface IdShape {

    String message() default "must match \"" + PartitionKey.ID_SHAPE + "\"";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<IdShape, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || PartitionKey.isValidId(value);
        }
    }
}
