package org.cxr.app.security;

import org.cxr.app.audit.Audit;
import org.cxr.app.server.CxrProperties;
import org.cxr.lake.sql.Database;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;

import static org.cxr.app.security.Role.ADMIN;
import static org.cxr.app.security.Role.DATA_ENGINEER;
import static org.cxr.app.security.Role.RADIOLOGIST;
import static org.cxr.app.security.Role.UPLOADER;

/**
 * Who may call what. Health is public; everything else needs a signed-in user, and each API path names the roles
 * it serves. An API path without a rule here is refused to everyone, so a new endpoint stays closed until given one
 * (a test walks every mapped endpoint to check each has its rule).
 *
 * <p>The page signs in with a form and a session cookie, and sends a CSRF token with each change. Scripts send a
 * personal API token ({@code Authorization: Bearer cxr_...}) or HTTP Basic; they carry no cookie, so CSRF does not
 * apply to them.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration
{
    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, ApiTokens tokens, LocalCliToken localToken, Accounts accounts, JsonMapper json, Audit audit)
            throws Exception
    {
        JsonSecurityErrors errors = new JsonSecurityErrors(json, audit);
        RequestMatcher api = PathPatternRequestMatcher.withDefaults().matcher("/api/**");
        RequestMatcher actuator = PathPatternRequestMatcher.withDefaults().matcher("/actuator/**");
        RequestMatcher health = PathPatternRequestMatcher.withDefaults().matcher("/actuator/health/**");
        http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(health).permitAll()
                        .requestMatchers("/login", "/css/**", "/favicon.ico", "/error").permitAll()
                        .requestMatchers("/actuator/prometheus", "/actuator/info").hasAnyRole(names(DATA_ENGINEER, ADMIN))
                        .requestMatchers("/api/v1/inferences/*/reviews", "/api/v1/reviews/**").hasAnyRole(names(RADIOLOGIST))
                        .requestMatchers(HttpMethod.GET, "/api/v1/model/quality").hasAnyRole(names(RADIOLOGIST, DATA_ENGINEER))
                        .requestMatchers(HttpMethod.POST, "/api/v1/inferences").hasAnyRole(names(UPLOADER, RADIOLOGIST))
                        .requestMatchers(HttpMethod.GET, "/api/v1/inferences", "/api/v1/inferences/*", "/api/v1/images/*", "/api/v1/images/*/thumbnail")
                        .hasAnyRole(names(UPLOADER, RADIOLOGIST))
                        .requestMatchers(HttpMethod.GET, "/api/v1/model", "/api/v1/openapi.yaml").authenticated()
                        .requestMatchers("/api/v1/me", "/api/v1/me/**").authenticated()
                        .requestMatchers("/api/v1/pipelines/**").hasAnyRole(names(DATA_ENGINEER))
                        .requestMatchers("/api/v1/users", "/api/v1/users/**", "/api/v1/audit").hasRole(ADMIN.name())
                        .requestMatchers("/pipelines.html", "/js/pipelines.js").hasAnyRole(names(DATA_ENGINEER))
                        .requestMatchers("/worklist.html", "/js/worklist.js").hasAnyRole(names(RADIOLOGIST))
                        .requestMatchers("/admin.html", "/js/admin.js").hasRole(ADMIN.name())
                        .requestMatchers(api, actuator).denyAll()
                        .anyRequest().authenticated())
                .addFilterBefore(new ApiTokenFilter(tokens, localToken, errors, health), BasicAuthenticationFilter.class)
                .addFilterAfter(new SessionAccountCheck(accounts), SecurityContextHolderFilter.class)
                .httpBasic(basic -> basic.authenticationEntryPoint(errors))
                .formLogin(form -> form.defaultSuccessUrl("/", false).permitAll())
                .logout(logout -> logout.permitAll()) // to /login?logout, which the generated sign-in page serves only while that URL is the default
                .csrf(csrf -> csrf.ignoringRequestMatchers(request -> request.getHeader(HttpHeaders.AUTHORIZATION) != null))
                .exceptionHandling(exceptions -> exceptions
                        .defaultAuthenticationEntryPointFor(errors, api)
                        .defaultAuthenticationEntryPointFor(errors, actuator)
                        .accessDeniedHandler(errors))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; form-action 'self'")));
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder()
    {
        // BCrypt, with the algorithm's name stored in front of each hash so that it can change later.
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    Accounts accounts(Database database)
    {
        return new Accounts(database, Clock.systemUTC());
    }

    @Bean
    ApiTokens apiTokens(Database database, Accounts accounts)
    {
        return new ApiTokens(database, accounts, Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    LocalCliToken localCliToken(CxrProperties properties)
    {
        return properties.database().embedded() ? LocalCliToken.write(properties.dataDir()) : LocalCliToken.none();
    }

    @Bean
    UserDetailsService userDetailsService(Accounts accounts)
    {
        return username -> accounts.credentials(normalised(username))
                .map(credentials -> User.withUsername(credentials.account().username())
                        .password(credentials.passwordHash())
                        .authorities(Role.authorities(credentials.account().roles()))
                        .disabled(!credentials.account().enabled())
                        .accountLocked(credentials.account().lockedAt(Instant.now()))
                        .build())
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
    }

    private static String normalised(String username)
    {
        try {
            return AccountRules.username(username);
        }
        catch (IllegalArgumentException e) {
            throw new UsernameNotFoundException("not a user name");
        }
    }

    private static String[] names(Role... roles)
    {
        return java.util.Arrays.stream(roles).map(Role::name).toArray(String[]::new);
    }
}
