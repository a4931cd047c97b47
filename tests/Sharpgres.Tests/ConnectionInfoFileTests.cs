namespace Sharpgres.Tests;

/// <summary>The password file, the service file and INI files, in a temporary directory.</summary>
public sealed class ConnectionInfoFileTests : IDisposable
{
    private readonly ConnectionInfoTempDir _home = new();

    public void Dispose() => _home.Dispose();

    private ConnectionSettings Resolve(string conninfo, Dictionary<string, string>? env = null, string[]? dirs = null) =>
        ConnectionInfo.Parse(conninfo).Resolve(FakeEnvironment.Create(_home.Path, env, dirs));

    private string? PasswordFor(string conninfo, Dictionary<string, string>? env = null, string[]? dirs = null) =>
        Resolve(conninfo, env, dirs).Targets[0].Password;

    // ---- password file ------------------------------------------------------------------------------

    private const string PassFileText = """
        # comment line: host:port:db:user:password
        db1.example.com:5432:app:alice:alice-app
        db1.example.com:*:*:alice:alice-any
        *:5433:*:bob:bob-5433
        *:*:*:bob:bob-any
        esc\:aped:5432:d\\b:u:pass\:with\\escapes
        localhost:5432:*:carol:carol-local
        /tmp:5432:*:carol:carol-tmp
        short:line
        h:*:*:dave:first
        h:*:*:dave:second
        ipv6\:\:1:*:*:erin:erin-v6
        h:*:*:frank:
        """;

    [Theory]
    [InlineData("host=db1.example.com dbname=app user=alice", "alice-app")]
    [InlineData("host=db1.example.com dbname=other user=alice", "alice-any")]
    [InlineData("host=db1.example.com port=6000 dbname=app user=alice", "alice-any")]
    [InlineData("host=db2.example.com dbname=app user=alice", null)]
    [InlineData("host=anywhere port=5433 user=bob", "bob-5433")]
    [InlineData("host=anywhere user=bob", "bob-any")]
    [InlineData("host=esc:aped dbname=d\\\\b user=u", @"pass:with\escapes")]
    [InlineData("host=h user=dave", "first")]
    [InlineData("host=ipv6::1 user=erin", "erin-v6")]
    [InlineData("host=h user=frank", "")]
    [InlineData("host=h user=nobody", null)]
    public void Password_file_matching(string conninfo, string? expected)
    {
        var passFile = _home.Write("pgpass", PassFileText);
        Assert.Equal(expected, PasswordFor(conninfo + $" passfile={passFile}"));
    }

    [Fact]
    public void Password_file_for_unix_sockets_matches_localhost_only_for_the_default_directory()
    {
        _home.Write(".pgpass", PassFileText);
        string[] dirs = ["/var/run/postgresql", "/tmp"];
        Assert.Equal("carol-local", PasswordFor("user=carol", dirs: dirs));                            // no host: default socket dir
        Assert.Equal("carol-local", PasswordFor("host=/var/run/postgresql user=carol", dirs: dirs));  // the default dir
        Assert.Equal("carol-tmp", PasswordFor("host=/tmp user=carol", dirs: dirs));                   // another dir: literal
        Assert.Equal("carol-local", PasswordFor("host=localhost user=carol", dirs: dirs));            // TCP localhost
        Assert.Equal("carol-local", PasswordFor("host=/tmp user=carol", dirs: ["/tmp"]));             // /tmp is the default here
    }

    [Fact]
    public void Password_file_hostaddr_is_matched_when_no_host_is_given()
    {
        var passFile = _home.Write("pgpass", "127.0.0.1:*:*:*:by-addr\nname:*:*:*:by-name\n");
        Assert.Equal("by-addr", PasswordFor($"hostaddr=127.0.0.1 passfile={passFile}"));
        Assert.Equal("by-name", PasswordFor($"host=name hostaddr=127.0.0.1 passfile={passFile}"));
    }

    [Fact]
    public void Password_file_per_target()
    {
        var passFile = _home.Write("pgpass", "a:*:*:*:pa\nb:5433:*:*:pb\n");
        var s = Resolve($"host=a,b,c port=5432,5433,5434 passfile={passFile}");
        Assert.Equal(["pa", "pb", null], s.Targets.Select(t => t.Password));
    }

    [Fact]
    public void Explicit_password_wins_over_the_password_file()
    {
        _home.Write(".pgpass", "*:*:*:*:from-file\n");
        Assert.Equal("explicit", PasswordFor("host=h password=explicit"));
        Assert.Equal("from-env", PasswordFor("host=h", new() { ["PGPASSWORD"] = "from-env" }));
        Assert.Equal("from-file", PasswordFor("host=h password=''"));  // empty means none, as libpq
        Assert.Equal("from-file", PasswordFor("host=h"));
    }

    [Fact]
    public void Password_file_location_keyword_then_PGPASSFILE_then_home()
    {
        _home.Write(".pgpass", "*:*:*:*:home\n");
        var envFile = _home.Write("env.pgpass", "*:*:*:*:env\n");
        var kwFile = _home.Write("kw.pgpass", "*:*:*:*:keyword\n");
        var env = new Dictionary<string, string> { ["PGPASSFILE"] = envFile };
        Assert.Equal("keyword", PasswordFor($"host=h passfile={kwFile}", env));
        Assert.Equal("env", PasswordFor("host=h", env));
        Assert.Equal("home", PasswordFor("host=h"));
        Assert.Null(PasswordFor($"host=h passfile={Path.Combine(_home.Path, "missing")}"));
        Assert.Equal(kwFile, Resolve($"host=h passfile={kwFile}").PassFile);
    }

    [Fact]
    public void Password_file_with_group_or_world_access_is_ignored_with_a_warning()
    {
        if (OperatingSystem.IsWindows())
            return;
        var passFile = _home.Write("pgpass", "*:*:*:*:secret\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var s = Resolve($"host=h passfile={passFile}");
        Assert.Null(s.Targets[0].Password);
        var warning = Assert.Single(s.Warnings);
        Assert.Contains(passFile, warning);
        Assert.Contains("has group or world access", warning);
        Assert.DoesNotContain("secret", warning);

        File.SetUnixFileMode(passFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);
        Assert.Null(PasswordFor($"host=h passfile={passFile}"));

        File.SetUnixFileMode(passFile, UnixFileMode.UserRead);
        s = Resolve($"host=h passfile={passFile}");
        Assert.Equal("secret", s.Targets[0].Password);
        Assert.Empty(s.Warnings);
    }

    [Fact]
    public void Password_file_that_is_a_directory_is_ignored_with_a_warning()
    {
        var s = Resolve($"host=h passfile={_home.Path}");
        Assert.Null(s.Targets[0].Password);
        Assert.Contains("is not a plain file", Assert.Single(s.Warnings));
    }

    [Fact]
    public void Password_file_with_windows_line_endings()
    {
        var passFile = _home.Write("pgpass", "# c\r\nh:*:*:*:crlf\r\n");
        Assert.Equal("crlf", PasswordFor($"host=h passfile={passFile}"));
    }

    [Fact]
    public void Password_file_escaped_star_is_literal()
    {
        var passFile = _home.Write("pgpass", "\\*:*:*:*:star\n");
        Assert.Null(PasswordFor($"host=h passfile={passFile}"));
        Assert.Equal("star", PasswordFor($"host=* passfile={passFile}"));
    }

    // ---- service file -------------------------------------------------------------------------------

    [Fact]
    public void Service_file_sections_and_comments()
    {
        var file = _home.Write("svc.conf", """
            # a comment
            ; another comment
            [first]
            host=first-host

            [mydb]
              host=somehost
            port=5433
            # comment inside
            user=admin
            user=ignored-second
            password=p w
            [other]
            host=other-host
            """);
        var s = Resolve("service=mydb", new() { ["PGSERVICEFILE"] = file });
        var target = Assert.Single(s.Targets);
        Assert.Equal(("somehost", 5433, "p w"), (target.Host, target.Port, target.Password));
        Assert.Equal("admin", s.User);
    }

    [Fact]
    public void Service_keyword_servicefile_then_PGSERVICEFILE_then_home_then_system()
    {
        var kw = _home.Write("kw.conf", "[s]\nhost=from-keyword\n");
        var env = _home.Write("env.conf", "[s]\nhost=from-env\n");
        _home.Write(".pg_service.conf", "[s]\nhost=from-home\n[homeonly]\nhost=home-only\n");
        var sysDir = Directory.CreateDirectory(Path.Combine(_home.Path, "sys")).FullName;
        File.WriteAllText(Path.Combine(sysDir, "pg_service.conf"), "[s]\nhost=from-system\n[sysonly]\nhost=system-only\n");
        var vars = new Dictionary<string, string> { ["PGSERVICEFILE"] = env, ["PGSYSCONFDIR"] = sysDir };

        Assert.Equal("from-keyword", Resolve($"service=s servicefile={kw}", vars).Targets[0].Host);
        Assert.Equal("from-env", Resolve("service=s", vars).Targets[0].Host);
        Assert.Equal("from-home", Resolve("service=s", new() { ["PGSYSCONFDIR"] = sysDir }).Targets[0].Host);
        Assert.Equal("home-only", Resolve("service=homeonly", new() { ["PGSYSCONFDIR"] = sysDir }).Targets[0].Host);
        Assert.Equal("system-only", Resolve("service=sysonly", vars).Targets[0].Host);
    }

    [Fact]
    public void Service_not_found()
    {
        _home.Write(".pg_service.conf", "[other]\nhost=x\n");
        var e = Assert.Throws<ProgrammingError>(() => Resolve("service=x"));
        Assert.Equal("definition of service \"x\" not found", e.Message);
    }

    [Fact]
    public void Service_file_errors()
    {
        var file = _home.Write(".pg_service.conf", "[bad]\nhost\n[nested]\nservice=x\n[unknown]\nbogus=1\n[value]\nsslmode=bogus\n[spaced]\nhost = x\n");
        Assert.Contains("syntax error in service file", Assert.Throws<ProgrammingError>(() => Resolve("service=bad")).Message);
        Assert.Contains("line 2", Assert.Throws<ProgrammingError>(() => Resolve("service=bad")).Message);
        Assert.Contains("nested service specifications not supported", Assert.Throws<ProgrammingError>(() => Resolve("service=nested")).Message);
        var unknown = Assert.Throws<ProgrammingError>(() => Resolve("service=unknown")).Message;
        Assert.Contains(file, unknown);
        Assert.Contains("invalid connection option \"bogus\"", unknown);
        Assert.Equal("invalid sslmode value: \"bogus\"", Assert.Throws<ProgrammingError>(() => Resolve("service=value")).Message);
        // As libpq, no spaces around '=' in a service file: "host " is not a keyword.
        Assert.Contains("invalid connection option \"host \"", Assert.Throws<ProgrammingError>(() => Resolve("service=spaced")).Message);
    }

    // ---- INI files ----------------------------------------------------------------------------------

    [Fact]
    public void Ini_file_tutorial_style()
    {
        var path = _home.Write("database.ini", """
            ; the tutorial's database.ini
            [postgresql]
            host = localhost
            dbname=suppliers
            User: postgres
            # comment
            password = Secure Pas$1 ; not a comment
            port =5433

            [other]
            host = elsewhere
            """);
        var info = ConnectionInfo.FromIniFile(path, "postgresql");
        Assert.Equal("localhost", info.Host);
        Assert.Equal("suppliers", info.DbName);
        Assert.Equal("postgres", info.User);
        Assert.Equal("Secure Pas$1 ; not a comment", info.Password);
        Assert.Equal("5433", info.Port);
        Assert.Equal(5, info.Values.Count);
        Assert.Equal("elsewhere", ConnectionInfo.FromIniFile(path, "other").Host);
    }

    [Fact]
    public void Ini_file_default_section_and_continuation_lines()
    {
        var path = _home.Write("database.ini", """
            [DEFAULT]
            host = shared
            port = 5433

            [app]
            port = 6000
            options = -c search_path=a
               -c statement_timeout=5s
            """);
        var info = ConnectionInfo.FromIniFile(path, "app");
        Assert.Equal("shared", info.Host);
        Assert.Equal("6000", info.Port);
        Assert.Equal("-c search_path=a\n-c statement_timeout=5s", info.Options);
    }

    [Fact]
    public void Ini_file_missing()
    {
        var path = Path.Combine(_home.Path, "nope.ini");
        var e = Assert.Throws<FileNotFoundException>(() => ConnectionInfo.FromIniFile(path, "postgresql"));
        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Ini_file_missing_section()
    {
        var path = _home.Write("database.ini", "[other]\nhost=x\n");
        var e = Assert.Throws<ProgrammingError>(() => ConnectionInfo.FromIniFile(path, "postgresql"));
        Assert.Equal($"section \"postgresql\" not found in the \"{path}\" file", e.Message);
    }

    [Fact]
    public void Ini_file_section_names_are_case_sensitive()
    {
        var path = _home.Write("database.ini", "[PostgreSQL]\nhost=x\n");
        Assert.Throws<ProgrammingError>(() => ConnectionInfo.FromIniFile(path, "postgresql"));
        Assert.Equal("x", ConnectionInfo.FromIniFile(path, "PostgreSQL").Host);
    }

    [Fact]
    public void Ini_file_values_are_checked()
    {
        var path = _home.Write("database.ini", "[a]\ndatabase = x\n[b]\nsslmode = bogus\n[c]\nport = 5432\n");
        var e = Assert.Throws<ProgrammingError>(() => ConnectionInfo.FromIniFile(path, "a"));
        Assert.Equal($"invalid connection option \"database\" in section \"a\" of \"{path}\" (did you mean \"dbname\"?)", e.Message);
        Assert.Equal("invalid sslmode value: \"bogus\"", Assert.Throws<ProgrammingError>(() => ConnectionInfo.FromIniFile(path, "b")).Message);
        Assert.Equal("5432", ConnectionInfo.FromIniFile(path, "c").Port);
    }

    [Fact]
    public void Ini_file_malformed_lines_are_reported_without_their_text()
    {
        var path = _home.Write("bad.ini", "[c]\npassword hunter2\n");
        var e = Assert.Throws<ProgrammingError>(() => ConnectionInfo.FromIniFile(path, "c"));
        Assert.Contains("line 2", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);

        path = _home.Write("dup.ini", "[c]\npassword = hunter2\nPassword = again\n");
        e = Assert.Throws<ProgrammingError>(() => ConnectionInfo.FromIniFile(path, "c"));
        Assert.Contains("\"password\" appears more than once", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }

    [Fact]
    public void Ini_file_without_section_header()
    {
        var path = _home.Write("database.ini", "host=x\n[s]\nport=1\n");
        var e = Assert.Throws<ProgrammingError>(() => ConnectionInfo.FromIniFile(path, "s"));
        Assert.Contains("no section header", e.Message);
    }
}
