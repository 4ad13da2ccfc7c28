package dev.rigger.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rigger.core.error.InputException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each bad inventory under inventories/bad gives exactly one one-line error naming file, line and column. */
class InventoryLoaderErrorsTest {
    private static final String BAD = "src/test/resources/inventories/bad/";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            yaml-syntax.yml      | yaml-syntax.yml:4:4: YAML syntax error: expected <block end>, but found '<block mapping start>' (while parsing a block mapping that starts at line 2)
            unknown-key.yml      | unknown-key.yml:2:3: unknown key 'host' in group 'all' (did you mean 'hosts'?)
            unknown-key-far.yml  | unknown-key-far.yml:4:3: unknown key 'ansible_user' in group 'all' (expected one of: hosts, vars, children)
            hosts-list.yml       | hosts-list.yml:3:5: expected a mapping of host names for 'hosts' of group 'web', got a list
            host-vars-scalar.yml | host-vars-scalar.yml:3:11: expected a mapping of variables for host 'web1', got a string 'web2'
            cycle.yml            | cycle.yml:3:5: circular children: group 'b' cannot be a child of 'a' (b -> a -> b)
            cycle.ini            | cycle.ini:8:1: circular children: group 'a' cannot be a child of 'c' (a -> b -> c -> a)
            conflict.yml         | conflict.yml:8:7: conflicting values for 'http_port' on host 'web1': '8080' here, '80' at line 4
            conflict.ini         | conflict.ini:5:6: conflicting values for 'http_port' on host 'web1': '8080' here, '80' at line 2
            range-backwards.ini  | range-backwards.ini:2:1: invalid host range in 'web[10:01].example.com': begin '10' is after end '01'
            range-letter.yml     | range-letter.yml:3:5: invalid host range in 'web[1:x]': bounds '1' and 'x' must be two numbers or two single letters
            range-width.ini      | range-width.ini:2:1: invalid host range in 'web[001:10]': '001' and '10' must have the same number of digits
            range-step.ini       | range-step.ini:2:1: invalid host range in 'web[1:5:0]': step '0' must be a positive integer
            undefined-child.ini  | undefined-child.ini:5:1: [prod:children] names group 'webservrs', which is not declared in this inventory (did you mean 'webservers'?)
            vars-undefined.ini   | vars-undefined.ini:4:1: [webserver:vars] is for group 'webserver', which is not declared in this inventory (did you mean 'webservers'?)
            unknown-section.ini  | unknown-section.ini:4:1: unknown section type ':var' in [web:var] (did you mean 'vars'?)
            bad-section.ini      | bad-section.ini:1:1: invalid section header '[web servers]' (expected [group], [group:vars] or [group:children], without spaces)
            no-equals.ini        | no-equals.ini:2:6: expected key=value after the host name, got 'ansible_user'
            unclosed-quote.ini   | unclosed-quote.ini:2:1: cannot split host line: No closing quotation
            vars-line.ini        | vars-line.ini:5:1: expected key=value in [web:vars], got 'just_a_word'
            not-mapping.yml      | not-mapping.yml:1:1: expected a mapping of group names at the top of a YAML inventory, got a list
            duplicate-key.yml    | duplicate-key.yml:4:3: duplicate key 'hosts' (first at line 2)
            plugin.yml           | plugin.yml:1:1: inventory plugin configuration files are not supported (plugin: amazon.aws.aws_ec2)
            bad-port.ini         | bad-port.ini:2:1: invalid port '99999' in host 'web1:99999' (expected 1-65535)
            trailing-colon.ini   | trailing-colon.ini:2:1: host 'web1:' ends in ':' (a port number must follow it)
            all-as-child.yml     | all-as-child.yml:3:5: group 'all' cannot be a child of group 'web'
            yaml-no-extension    | yaml-no-extension:3:1: YAML syntax error: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation) (while scanning for the next token)
            script               | script:1:1: executable inventory scripts are not supported; list the hosts in YAML or INI
            hosts.toml           | hosts.toml:1:1: TOML inventories are not supported; use YAML or INI
            vault-value.yml      | vault-value.yml:4:17: Ansible Vault encrypted, but no vault password was given (--vault-password-file, --vault-id, --ask-vault-pass or ANSIBLE_VAULT_PASSWORD_FILE)
            groupvars-list       | groupvars-list/group_vars/web.yml:1:1: expected a mapping of variables, got a list
            vault-file           | vault-file/host_vars/web1.yml:1:1: Ansible Vault encrypted, but no vault password was given (--vault-password-file, --vault-id, --ask-vault-pass or ANSIBLE_VAULT_PASSWORD_FILE)
            group-priority.ini   | group-priority.ini:5:1: ansible_group_priority of group 'web' must be an integer, got 'high'
            port-word.yml        | port-word.yml:4:7: ansible_port must be a port number 1-65535, got 'twentytwo'
            port-word.ini        | port-word.ini:2:6: ansible_port must be a port number 1-65535, got 'twentytwo'
            port-groupvars       | port-groupvars/group_vars/web.yml:1:1: ansible_connection 'telnet' is not supported (Rigger connects with ssh or local)
            become-method.yml    | become-method.yml:4:7: ansible_become_method 'sudu' is not supported: Rigger becomes another user with sudo or su (did you mean 'sudo'?)
            become-word.ini      | become-word.ini:2:6: ansible_become must be a boolean (true or false), got 'maybe'
            missing.yml          | missing.yml: inventory not found
            """)
    void reportsTheExactProblemAndPlace(String source, String expected) {
        InputException e = assertThrows(InputException.class, () -> InventoryLoader.load(Path.of(BAD + source)));
        assertThat(e.oneLine()).isEqualTo(BAD + expected);
        assertThat(e.oneLine()).doesNotContain("\n");
    }
}
