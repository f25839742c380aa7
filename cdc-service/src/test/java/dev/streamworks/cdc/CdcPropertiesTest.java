package dev.streamworks.cdc;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CdcPropertiesTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private static CdcProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("streamworks.cdc", CdcProperties.class);
    }

    private Set<String> violations(CdcProperties props) {
        return validator.validate(props).stream().map(ConstraintViolation::getMessage)
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void shouldDefaultToTheContractsUsersTable() {
        CdcProperties props = bind(Map.of());

        assertThat(props).isEqualTo(CdcProperties.defaults());
        assertThat(props.tables()).containsExactly(
                new CdcProperties.Table("mysql.prod.users", "users", List.of("user_id")));
        assertThat(props.tables().get(0).tableTopic()).isEqualTo("cdc.users");
        assertThat(props.tables().get(0).changesTopic()).isEqualTo("cdc.users.changes");
        assertThat(violations(props)).isEmpty();
    }

    @Test
    void shouldBindSeveralTablesWithCompositeKeys() {
        CdcProperties props = bind(Map.of(
                "streamworks.cdc.tables[0].source-topic", "pg.public.users",
                "streamworks.cdc.tables[0].name", "users",
                "streamworks.cdc.tables[0].key-columns", "user_id",
                "streamworks.cdc.tables[1].source-topic", "pg.public.memberships",
                "streamworks.cdc.tables[1].name", "memberships",
                "streamworks.cdc.tables[1].key-columns", "org_id,user_id",
                "streamworks.cdc.query.max-limit", "50",
                "streamworks.cdc.query.default-limit", "10"));

        assertThat(props.tables()).extracting(CdcProperties.Table::name).containsExactly("users", "memberships");
        assertThat(props.table("memberships").keyColumns()).containsExactly("org_id", "user_id");
        assertThat(props.query()).isEqualTo(new CdcProperties.Query(10, 50));
        assertThat(violations(props)).isEmpty();
    }

    @Test
    void shouldRejectTablesWithoutANameOrKeyColumnsOrTwiceTheSameName() {
        CdcProperties props = new CdcProperties(List.of(
                new CdcProperties.Table("a", "", List.of("id")),
                new CdcProperties.Table("b", "t", List.of()),
                new CdcProperties.Table("c", "t", List.of(" "))), CdcProperties.defaults().query());

        assertThat(validator.validate(props)).extracting(violation -> violation.getPropertyPath().toString())
                .contains("tables[0].name", "tables[1].keyColumns", "tables[2].keyColumns[0].<list element>",
                        "eachTableUnique");
        assertThat(violations(new CdcProperties(List.of(), CdcProperties.defaults().query()))).isNotEmpty();
        assertThat(violations(new CdcProperties(null, new CdcProperties.Query(500, 100))))
                .contains("query.default-limit must not exceed query.max-limit");
    }
}
