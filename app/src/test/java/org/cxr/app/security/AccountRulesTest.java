package org.cxr.app.security;

import org.cxr.lake.errors.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a user name, a password and a role name may be. */
class AccountRulesTest
{
    @Test
    void userNamesAreComparedInLowerCaseAndHoldNoPathOrMarkup()
    {
        assertThat(AccountRules.username("  Rita.Smith@ward-3 ")).isEqualTo("rita.smith@ward-3");
        for (String bad : new String[] {null, "", "r", "../etc", "rita smith", "<script>", "rita/x", "-rita", "x".repeat(64)}) {
            assertThatThrownBy(() -> AccountRules.username(bad)).as(String.valueOf(bad)).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void passwordsHaveTwelveCharactersAndAtMostTheSeventyTwoBytesBcryptReads()
    {
        assertThat(AccountRules.password("twelve-chars")).isEqualTo("twelve-chars");
        assertThat(AccountRules.password("x".repeat(72))).hasSize(72);
        assertThatThrownBy(() -> AccountRules.password("eleven-char")).hasMessageContaining("12 characters");
        assertThatThrownBy(() -> AccountRules.password(null)).hasMessageContaining("12 characters");
        // 37 characters, but 74 bytes: BCrypt would silently ignore the last two.
        assertThatThrownBy(() -> AccountRules.password("é".repeat(37))).hasMessageContaining("72 bytes");
    }

    @Test
    void rolesAreNamedAsPeopleWriteThem()
    {
        assertThat(Role.of("data-engineer")).isEqualTo(Role.DATA_ENGINEER);
        assertThat(Role.of(" DATA_ENGINEER ")).isEqualTo(Role.DATA_ENGINEER);
        assertThat(Role.of("Radiologist")).isEqualTo(Role.RADIOLOGIST);
        assertThat(Role.ADMIN.authority()).isEqualTo("ROLE_ADMIN");
        assertThatThrownBy(() -> Role.of("root")).hasMessageContaining("uploader, radiologist, data-engineer and admin");
    }
}
