package dev.rigger.modules.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rigger.core.module.ModuleException;
import dev.rigger.core.module.Plan;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** lineinfile's edit logic, case by case as Ansible documents and implements it, and its plans. */
class LineInFileTest {
    private static final String PATH = "/etc/app.conf";

    private static LineInFile.Builder line(String line) {
        return LineInFile.line(PATH, line);
    }

    private static String edit(LineInFile.Builder spec, String original) {
        return spec.build().edit(original).content();
    }

    @Nested
    class Present {
        @Test
        void theLastLineMatchingRegexpIsReplaced() {
            LineInFile.Edit e = line("a=3").regexp("^a=").build().edit("a=1\nb\na=2\nc\n");
            assertThat(e.content()).isEqualTo("a=1\nb\na=3\nc\n");
            assertThat(e.message()).isEqualTo("line replaced");
        }

        @Test
        void firstmatchReplacesTheFirstMatchingLine() {
            assertThat(edit(line("a=3").regexp("^a=").firstMatch(true), "a=1\nb\na=2\n")).isEqualTo("a=3\nb\na=2\n");
        }

        @Test
        void withoutAMatchTheLineIsAppendedAtTheEnd() {
            LineInFile.Edit e = line("c=1").regexp("^c=").build().edit("a=1\nb=2\n");
            assertThat(e.content()).isEqualTo("a=1\nb=2\nc=1\n");
            assertThat(e.message()).isEqualTo("line added");
        }

        @Test
        void anExactLineAlreadyPresentIsNoChange() {
            assertThat(edit(line("b=2"), "a=1\nb=2\nc=3\n")).isEqualTo("a=1\nb=2\nc=3\n");
        }

        @Test
        void anExactLineCountsEvenWhenTheRegexpMatchesNothing() {
            assertThat(edit(line("b=2").regexp("^nomatch"), "a=1\nb=2\n")).isEqualTo("a=1\nb=2\n");
        }

        @Test
        void aMatchingLineThatIsAlreadyRightIsNoChange() {
            LineInFile.Edit e = line("a=1").regexp("^a=").build().edit("a=1\nb\n");
            assertThat(e.content()).isEqualTo("a=1\nb\n");
            assertThat(e.message()).isEmpty();
        }

        @Test
        void aFileWithoutFinalNewlineGetsOneBeforeTheAppendedLine() {
            assertThat(edit(line("b"), "a")).isEqualTo("a\nb\n");
        }

        @Test
        void replacingTheLastLineWithoutNewlineAddsTheNewline() {
            assertThat(edit(line("a=2").regexp("^a="), "x\na=1")).isEqualTo("x\na=2\n");
        }

        @Test
        void dollarMatchesBeforeTheLineEndLikePython() {
            assertThat(edit(line("listen 80").regexp("^listen 8080$"), "listen 8080\nx\n")).isEqualTo("listen 80\nx\n");
        }

        @Test
        void insertafterPutsTheLineAfterTheLastMatch() {
            assertThat(edit(line("new").insertAfter("^\\[main\\]"), "[main]\na\n[main]\nb\n"))
                    .isEqualTo("[main]\na\n[main]\nnew\nb\n");
        }

        @Test
        void insertafterWithFirstmatchUsesTheFirstMatch() {
            assertThat(edit(line("new").insertAfter("^\\[main\\]").firstMatch(true), "[main]\na\n[main]\nb\n"))
                    .isEqualTo("[main]\nnew\na\n[main]\nb\n");
        }

        @Test
        void insertafterMatchingTheLastLineAppends() {
            assertThat(edit(line("new").insertAfter("^end"), "a\nend\n")).isEqualTo("a\nend\nnew\n");
        }

        @Test
        void insertafterWithoutAMatchAppendsAtTheEnd() {
            assertThat(edit(line("new").insertAfter("^nothing"), "a\nb\n")).isEqualTo("a\nb\nnew\n");
        }

        @Test
        void insertafterIsIgnoredWhenTheRegexpMatches() {
            assertThat(edit(line("port=2").regexp("^port=").insertAfter("^a"), "a\nb\nport=1\n")).isEqualTo("a\nb\nport=2\n");
        }

        @Test
        void insertbeforePutsTheLineBeforeTheLastMatch() {
            assertThat(edit(line("new").insertBefore("^x"), "x\na\nx\n")).isEqualTo("x\na\nnew\nx\n");
        }

        @Test
        void insertbeforeWithFirstmatchUsesTheFirstMatch() {
            assertThat(edit(line("new").insertBefore("^x").firstMatch(true), "a\nx\nb\nx\n")).isEqualTo("a\nnew\nx\nb\nx\n");
        }

        @Test
        void insertbeforeBofPutsTheLineFirst() {
            assertThat(edit(line("# managed").insertBefore("BOF"), "a\nb\n")).isEqualTo("# managed\na\nb\n");
        }

        @Test
        void insertafterBofAlsoPutsTheLineFirst() {
            assertThat(edit(line("# managed").insertAfter("BOF"), "a\n")).isEqualTo("# managed\na\n");
        }

        @Test
        void insertbeforeBofDoesNotRepeatAnExistingLine() {
            assertThat(edit(line("# managed").insertBefore("BOF"), "a\n# managed\n")).isEqualTo("a\n# managed\n");
        }

        @Test
        void backrefsFillInGroupsOfTheMatch() {
            String sshd = "Port 22\n  #PermitRootLogin prohibit-password\nX11Forwarding yes\n";
            assertThat(edit(line("\\1PermitRootLogin no").regexp("^(\\s*)#?PermitRootLogin\\s.*$").backrefs(true), sshd))
                    .isEqualTo("Port 22\n  PermitRootLogin no\nX11Forwarding yes\n");
        }

        @Test
        void backrefsWithNamedGroupsInPythonSyntax() {
            assertThat(edit(line("\\g<key_name> = \\g<2>0").regexp("^(?P<key_name>max_connections)\\s*=\\s*(\\d+)").backrefs(true),
                    "max_connections = 10\n")).isEqualTo("max_connections = 100\n");
        }

        @Test
        void backrefsWithoutAMatchLeaveTheFileAlone() {
            assertThat(edit(line("\\1x").regexp("^(nomatch)").backrefs(true), "a\nb")).isEqualTo("a\nb");
        }

        @Test
        void withoutBackrefsABackslashOneIsLiteral() {
            assertThat(edit(line("v=\\1").regexp("^(v)="), "v=0\n")).isEqualTo("v=\\1\n");
        }

        @Test
        void searchStringReplacesTheLastLineContainingIt() {
            assertThat(edit(line("ListenAddress 10.0.0.1").searchString("ListenAddress"), "ListenAddress 0.0.0.0\nPort 22\n"))
                    .isEqualTo("ListenAddress 10.0.0.1\nPort 22\n");
        }

        @Test
        void searchStringIsLiteralNotARegex() {
            assertThat(edit(line("a.b=2").searchString("a.b="), "axb=1\na.b=1\n")).isEqualTo("axb=1\na.b=2\n");
        }

        @Test
        void anEmptyOrNewFileGetsJustTheLine() {
            assertThat(edit(line("vm.swappiness = 10"), "")).isEqualTo("vm.swappiness = 10\n");
        }

        @Test
        void aBraceThatIsNoRepetitionIsLiteralAsInPython() {
            assertThat(edit(line("server { # main").regexp("^server {"), "server {\n}\n")).isEqualTo("server { # main\n}\n");
        }

        @Test
        void anExactLineEndingInCrlfIsFoundAndRewrittenWithLfAsAnsibleDoes() {
            assertThat(edit(line("b"), "a\r\nb\r\nc\r\n")).isEqualTo("a\r\nb\nc\r\n");
        }

        @Test
        void pgHbaEntryIsAddedBeforeTheFirstHostLine() {
            String hba = "# TYPE DATABASE USER ADDRESS METHOD\nlocal all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n";
            String entry = "host replication repmgr 10.0.0.0/24 trust";
            String once = edit(line(entry).insertBefore("^host").firstMatch(true), hba);
            assertThat(once).isEqualTo("# TYPE DATABASE USER ADDRESS METHOD\nlocal all postgres peer\n" + entry
                    + "\nhost all all 127.0.0.1/32 scram-sha-256\n");
            assertThat(edit(line(entry).insertBefore("^host").firstMatch(true), once)).isEqualTo(once);
        }
    }

    @Nested
    class Absent {
        @Test
        void everyLineMatchingRegexpIsRemoved() {
            LineInFile.Edit e = LineInFile.absentMatching(PATH, "^#").build().edit("#a\nb\n#c\nd\n");
            assertThat(e.content()).isEqualTo("b\nd\n");
            assertThat(e.message()).isEqualTo("2 line(s) removed");
        }

        @Test
        void withOnlyLineOnlyExactLinesGo() {
            assertThat(edit(line("b").absent(), "b\nbb\nb\r\n")).isEqualTo("bb\n");
        }

        @Test
        void searchStringRemovesLinesContainingIt() {
            LineInFile spec = new LineInFile(PATH, null, false, null, "10.0.0.9", false, null, null, false, false, false, false,
                    List.of(), FileAttributes.NONE);
            assertThat(spec.edit("a 10.0.0.9 x\nb\n").content()).isEqualTo("b\n");
        }

        @Test
        void nothingToRemoveIsNoChange() {
            LineInFile.Edit e = LineInFile.absentMatching(PATH, "^zzz").build().edit("a\n");
            assertThat(e.content()).isEqualTo("a\n");
            assertThat(e.message()).isEmpty();
        }
    }

    @Nested
    class Arguments {
        @Test
        void presentNeedsALine() {
            assertThatThrownBy(() -> new LineInFile(PATH, null, false, "^a", null, true, null, null, false, false, false, false,
                    List.of(), FileAttributes.NONE)).hasMessageContaining("line is required");
        }

        @Test
        void backrefsNeedARegexp() {
            assertThatThrownBy(() -> line("x").backrefs(true).build()).hasMessageContaining("regexp is required");
        }

        @Test
        void insertafterAndInsertbeforeExcludeEachOther() {
            assertThatThrownBy(() -> line("x").insertAfter("a").insertBefore("b").build()).hasMessageContaining("exclude");
        }

        @Test
        void aBadRegexpIsReportedWithTheExpression() {
            assertThatThrownBy(() -> line("x").regexp("(unclosed").build()).hasMessageContaining("'(unclosed'");
        }
    }

    @Nested
    class Planning {
        private final TestContext context = new TestContext();

        @Test
        void aMissingFileWithoutCreateCannotBeEdited() {
            assertThatThrownBy(() -> line("x").build().plan(States.missing(PATH), context))
                    .isInstanceOf(ModuleException.class).hasMessageContaining("does not exist");
        }

        @Test
        void absentOnAMissingFileIsNoChange() {
            assertThat(LineInFile.absentMatching(PATH, "x").build().plan(States.missing(PATH), context).hasChanges()).isFalse();
        }

        @Test
        void createMakesTheFileAndItsDirectory() {
            Plan plan = line("x").create(true).mode("0600").build().plan(States.missingWithoutParent(PATH), context);
            assertThat(plan.changes().get(0).summary()).isEqualTo("line added: create /etc/app.conf (2 bytes)");
            assertThat(plan.applyScript()).contains("mkdir -p -- '/etc'").contains("chmod 0600");
            assertThat(new String(plan.applyInput().readAll())).isEqualTo("x\n");
        }

        @Test
        void anUnchangedFileIsNoChange() {
            assertThat(line("b").build().plan(States.file(PATH, "a\nb\n"), context).hasChanges()).isFalse();
        }

        @Test
        void aChangeWritesTheWholeContentOnlyIfTheFileIsStillAsRead() {
            FileProbe.State state = States.file(PATH, "a\n");
            Plan plan = line("b").build().plan(state, context.withDiff());
            assertThat(new String(plan.applyInput().readAll())).isEqualTo("a\nb\n");
            assertThat(plan.applyScript()).contains(state.sha256()).contains("changed after it was read");
            assertThat(plan.changes().get(0).unifiedDiff()).hasValueSatisfying(d -> assertThat(d).contains("+b\n"));
        }

        @Test
        void aSecretLineIsNeverShownInTheDiff() {
            Plan plan = line("password=hunter2").secretLine(true).regexp("^password=").build()
                    .plan(States.file(PATH, "password=old-secret\n"), context.withDiff());
            assertThat(plan.changes()).allSatisfy(c -> {
                assertThat(c.summary()).doesNotContain("hunter2").doesNotContain("old-secret");
                assertThat(c.unifiedDiff()).isEmpty();
            });
        }

        @Test
        void onlyAttributesDifferingChangesOnlyThem() {
            Plan plan = line("b").mode("0600").build().plan(States.file(PATH, "b\n"), context);
            assertThat(plan.changes()).extracting(c -> c.summary()).containsExactly("mode of /etc/app.conf: 0644 → 0600");
            assertThat(plan.applyScript()).contains("chmod 0600").doesNotContain("mktemp");
            assertThat(plan.applyInput()).isNull();
        }

        @Test
        void aBinaryFileIsNotEditedLineByLine() {
            FileProbe.State binary = States.file(PATH, "a\u0000b\n");
            assertThatThrownBy(() -> line("x").build().plan(binary, context)).hasMessageContaining("not a UTF-8 text file");
        }

        @Test
        void aDirectoryIsRefused() {
            assertThatThrownBy(() -> line("x").build().plan(States.directory(PATH), context)).hasMessageContaining("is a directory");
        }
    }
}
