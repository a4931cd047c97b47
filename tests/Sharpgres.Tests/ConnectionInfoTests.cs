namespace Sharpgres.Tests;

/// <summary>Parsing of key/value connection strings and URIs, building, and formatting. No server, no files.</summary>
public class ConnectionInfoTests
{
    private static void AssertValues(ConnectionInfo info, params string[] keywordValuePairs)
    {
        var expected = new Dictionary<string, string>();
        for (var i = 0; i < keywordValuePairs.Length; i += 2)
            expected[keywordValuePairs[i]] = keywordValuePairs[i + 1];
        Assert.Equal(expected.OrderBy(kv => kv.Key), info.Values.OrderBy(kv => kv.Key));
    }

    // ---- key/value strings --------------------------------------------------------------------------

    [Theory]
    [InlineData("password='it''s'", "it's")]
    [InlineData(@"password='it\'s'", "it's")]
    [InlineData(@"password=it\'s", "it's")]
    [InlineData(@"password='back\\slash'", @"back\slash")]
    [InlineData(@"password=back\\slash", @"back\slash")]
    [InlineData(@"password='\a\b'", "ab")]
    [InlineData("password='with space'", "with space")]
    [InlineData(@"password=with\ space", "with space")]
    [InlineData("password = 'spaced'", "spaced")]
    [InlineData("password=''", "")]
    [InlineData("password=", "")]
    [InlineData("password = ''", "")]
    [InlineData("password='a=b'", "a=b")]
    [InlineData("password=a=b", "a=b")]
    [InlineData("password=it's", "it's")]
    [InlineData("password=''''", "'")]
    [InlineData("password='x''y''z'", "x'y'z")]
    [InlineData("password='日本語'", "日本語")]
    public void KeyValue_quoting(string conninfo, string expectedPassword)
    {
        var info = ConnectionInfo.Parse(conninfo);
        Assert.Equal(expectedPassword, info.Password);
        Assert.Single(info.Values);
    }

    [Fact]
    public void KeyValue_several_parameters_and_whitespace()
    {
        var info = ConnectionInfo.Parse("  host=db.example.com\tport = 5433\n dbname='my db'  user=alice   ");
        AssertValues(info, "host", "db.example.com", "port", "5433", "dbname", "my db", "user", "alice");
        Assert.Equal("db.example.com", info.Host);
        Assert.Equal("5433", info.Port);
        Assert.Equal("my db", info.DbName);
        Assert.Equal("alice", info.User);
    }

    [Fact]
    public void KeyValue_empty_value_followed_by_another_parameter()
    {
        var info = ConnectionInfo.Parse("password='' user=bob");
        AssertValues(info, "password", "", "user", "bob");
    }

    [Fact]
    public void KeyValue_quoted_value_directly_followed_by_next_parameter()
    {
        // libpq does not need white space after a closing quote.
        var info = ConnectionInfo.Parse("user='a'dbname=b");
        AssertValues(info, "user", "a", "dbname", "b");
    }

    [Fact]
    public void KeyValue_later_value_wins()
    {
        var info = ConnectionInfo.Parse("host=a host=b");
        Assert.Equal("b", info.Host);
        Assert.Single(info.Values);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Empty_string_gives_Empty(string conninfo)
    {
        Assert.Same(ConnectionInfo.Empty, ConnectionInfo.Parse(conninfo));
        Assert.Empty(ConnectionInfo.Empty.Values);
    }

    [Fact]
    public void All_libpq_keywords_are_accepted()
    {
        string[] keywords =
        [
            "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth", "channel_binding",
            "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
            "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
            "replication", "gssencmode", "sslmode", "requiressl", "sslcompression", "sslcert", "sslkey",
            "sslpassword", "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
            "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation",
            "service", "target_session_attrs", "load_balance_hosts",
        ];
        var goodValues = new Dictionary<string, string>
        {
            ["hostaddr"] = "127.0.0.1", ["port"] = "5432", ["require_auth"] = "scram-sha-256", ["channel_binding"] = "require",
            ["connect_timeout"] = "10", ["keepalives"] = "1", ["keepalives_idle"] = "1", ["keepalives_interval"] = "1",
            ["keepalives_count"] = "1", ["tcp_user_timeout"] = "1000", ["gssencmode"] = "disable", ["sslmode"] = "require",
            ["sslcertmode"] = "allow", ["ssl_min_protocol_version"] = "TLSv1.2", ["ssl_max_protocol_version"] = "TLSv1.3",
            ["target_session_attrs"] = "read-write", ["load_balance_hosts"] = "random",
        };
        foreach (var keyword in keywords)
        {
            var value = goodValues.GetValueOrDefault(keyword, "x");
            var info = ConnectionInfo.Parse($"{keyword}={value}");
            Assert.Equal(value, info[keyword]);
            Assert.True(info.Contains(keyword));
        }
    }

    // ---- URIs ---------------------------------------------------------------------------------------

    [Fact]
    public void Uri_full_example()
    {
        var info = ConnectionInfo.Parse("postgresql://user:pa%40ss@host1:5432,host2:5433/db?sslmode=require&application_name=x");
        AssertValues(info,
            "user", "user", "password", "pa@ss", "host", "host1,host2", "port", "5432,5433",
            "dbname", "db", "sslmode", "require", "application_name", "x");
    }

    [Theory]
    [InlineData("postgresql://", new string[0])]
    [InlineData("postgres://", new string[0])]
    [InlineData("postgresql://localhost", new[] { "host", "localhost" })]
    [InlineData("postgresql://localhost:5433", new[] { "host", "localhost", "port", "5433" })]
    [InlineData("postgresql://localhost/mydb", new[] { "host", "localhost", "dbname", "mydb" })]
    [InlineData("postgresql://localhost/", new[] { "host", "localhost" })]
    [InlineData("postgresql://user@localhost", new[] { "user", "user", "host", "localhost" })]
    [InlineData("postgresql://user@", new[] { "user", "user" })]
    [InlineData("postgresql://user:secret@localhost", new[] { "user", "user", "password", "secret", "host", "localhost" })]
    [InlineData("postgresql://:secret@localhost", new[] { "password", "secret", "host", "localhost" })]
    [InlineData("postgresql://user:@localhost", new[] { "user", "user", "host", "localhost" })]
    [InlineData("postgresql:///mydb", new[] { "dbname", "mydb" })]
    [InlineData("postgresql:///mydb?host=/tmp", new[] { "dbname", "mydb", "host", "/tmp" })]
    [InlineData("postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp",
        new[] { "user", "other", "host", "localhost", "dbname", "otherdb", "connect_timeout", "10", "application_name", "myapp" })]
    [InlineData("postgresql://[::1]", new[] { "host", "::1" })]
    [InlineData("postgresql://[::1]:5433/db", new[] { "host", "::1", "port", "5433", "dbname", "db" })]
    [InlineData("postgresql://[2001:db8::1234]/database", new[] { "host", "2001:db8::1234", "dbname", "database" })]
    [InlineData("postgresql://[fe80::1%25eth0]:5432", new[] { "host", "fe80::1%eth0", "port", "5432" })]
    [InlineData("postgresql://%2Fvar%2Frun%2Fpostgresql/db", new[] { "host", "/var/run/postgresql", "dbname", "db" })]
    [InlineData("postgresql://%2ftmp:5433", new[] { "host", "/tmp", "port", "5433" })]
    [InlineData("postgresql://host1,host2,host3/db", new[] { "host", "host1,host2,host3", "port", ",,", "dbname", "db" })]
    [InlineData("postgresql://host1:1,[::1]:2,host3/db", new[] { "host", "host1,::1,host3", "port", "1,2,", "dbname", "db" })]
    [InlineData("postgresql://localhost?host=other", new[] { "host", "other" })]
    [InlineData("postgresql://localhost/db?dbname=other", new[] { "host", "localhost", "dbname", "other" })]
    [InlineData("postgresql://localhost?ssl=true", new[] { "host", "localhost", "sslmode", "require" })]
    [InlineData("postgresql://localhost?", new[] { "host", "localhost" })]
    [InlineData("postgresql://h/d%20b?options=-c%20search_path%3Dx", new[] { "host", "h", "dbname", "d b", "options", "-c search_path=x" })]
    [InlineData("postgresql://us%65r@h", new[] { "user", "user", "host", "h" })]
    [InlineData("postgresql://h?application_name=%C3%A9t%C3%A9", new[] { "host", "h", "application_name", "été" })]
    [InlineData("postgresql://h?application_name=a+b", new[] { "host", "h", "application_name", "a+b" })]
    [InlineData("postgresql://h?application_name=", new[] { "host", "h", "application_name", "" })]
    public void Uri_forms(string uri, string[] expected)
    {
        AssertValues(ConnectionInfo.Parse(uri), expected);
    }

    [Fact]
    public void Uri_with_surrounding_white_space()
    {
        AssertValues(ConnectionInfo.Parse("  postgresql://u@h/db \n"), "user", "u", "host", "h", "dbname", "db");
    }

    [Fact]
    public void Uri_password_with_unencoded_at_sign_follows_libpq()
    {
        // libpq ends the credentials at the first '@'.
        AssertValues(ConnectionInfo.Parse("postgresql://u:p@ss@h"), "user", "u", "password", "p", "host", "ss@h");
    }

    [Fact]
    public void Uri_password_percent_encoded()
    {
        var info = ConnectionInfo.Parse("postgresql://u:p%3Aa%2Fs%3Fs%25w%23@h/d");
        Assert.Equal("p:a/s?s%w#", info.Password);
    }

    // ---- malformed input ----------------------------------------------------------------------------

    [Theory]
    [InlineData("host", "missing \"=\" after \"host\" in connection info string")]
    [InlineData("host localhost", "missing \"=\" after \"host\" in connection info string")]
    [InlineData("host=a port", "missing \"=\" after \"port\" in connection info string")]
    [InlineData("host='localhost", "unterminated quoted string in connection info string")]
    [InlineData(@"host='localhost\'", "unterminated quoted string in connection info string")]
    [InlineData("foo=bar", "invalid connection option \"foo\"")]
    [InlineData("Host=x", "invalid connection option \"Host\" (keywords are lower case: \"host\")")]
    [InlineData("database=x", "invalid connection option \"database\" (did you mean \"dbname\"?)")]
    [InlineData("=x", "invalid connection option \"\"")]
    [InlineData("port=abc", "invalid integer value \"abc\" for connection option \"port\"")]
    [InlineData("port=0", "invalid port number: \"0\"")]
    [InlineData("port=65536", "invalid port number: \"65536\"")]
    [InlineData("port=5432,x", "invalid integer value \"x\" for connection option \"port\"")]
    [InlineData("port=''", "")] // empty port is fine: the default
    [InlineData("sslmode=bogus", "invalid sslmode value: \"bogus\"")]
    [InlineData("sslmode=REQUIRE", "invalid sslmode value: \"REQUIRE\"")]
    [InlineData("sslmode=''", "invalid sslmode value: \"\"")]
    [InlineData("target_session_attrs=bogus", "invalid target_session_attrs value: \"bogus\"")]
    [InlineData("channel_binding=bogus", "invalid channel_binding value: \"bogus\"")]
    [InlineData("load_balance_hosts=bogus", "invalid load_balance_hosts value: \"bogus\"")]
    [InlineData("gssencmode=bogus", "invalid gssencmode value: \"bogus\"")]
    [InlineData("sslcertmode=bogus", "invalid sslcertmode value: \"bogus\"")]
    [InlineData("ssl_min_protocol_version=TLSv9", "invalid ssl_min_protocol_version value: \"TLSv9\"")]
    [InlineData("connect_timeout=abc", "invalid integer value \"abc\" for connection option \"connect_timeout\"")]
    [InlineData("connect_timeout=10s", "invalid integer value \"10s\" for connection option \"connect_timeout\"")]
    [InlineData("keepalives_idle=x", "invalid integer value \"x\" for connection option \"keepalives_idle\"")]
    [InlineData("require_auth=bogus", "invalid require_auth value: \"bogus\"")]
    [InlineData("require_auth=password,!md5", "negative require_auth method \"!md5\" cannot be mixed with non-negative methods")]
    [InlineData("require_auth=!md5,password", "require_auth method \"password\" cannot be mixed with negative methods")]
    [InlineData("require_auth=md5,md5", "require_auth method \"md5\" is specified more than once")]
    public void Malformed_key_value(string conninfo, string expectedMessage)
    {
        if (expectedMessage.Length == 0)
        {
            ConnectionInfo.Parse(conninfo);
            return;
        }
        var e = Assert.Throws<ProgrammingError>(() => ConnectionInfo.Parse(conninfo));
        Assert.Equal(expectedMessage, e.Message);
    }

    [Theory]
    [InlineData(" 5432 ")]
    [InlineData("+5432")]
    [InlineData("5432,,5433")]
    [InlineData(",")]
    public void Port_lists_and_libpq_integer_syntax(string port)
    {
        Assert.Equal(port, ConnectionInfo.Parse($"port='{port}'").Port);
    }

    [Theory]
    [InlineData("postgresql://[::1", "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"postgresql://[::1\"")]
    [InlineData("postgresql://[]/db", "IPv6 host address may not be empty in URI: \"postgresql://[]/db\"")]
    [InlineData("postgresql://[::1]x/db", "unexpected character \"x\" at position 19 in URI (expected \":\" or \"/\"): \"postgresql://[::1]x/db\"")]
    [InlineData("postgresql://h/db?foo=bar", "invalid URI query parameter: \"foo\"")]
    [InlineData("postgresql://h/db?ssl=false", "invalid URI query parameter: \"ssl\"")]
    [InlineData("postgresql://h/db?sslmode", "missing key/value separator \"=\" in URI query parameter: \"sslmode\"")]
    [InlineData("postgresql://h/db?sslmode=require&", "")] // a trailing '&' is fine
    [InlineData("postgresql://h/db?&", "missing key/value separator \"=\" in URI query parameter: \"\"")]
    [InlineData("postgresql://h/db?a=b=c", "extra key/value separator \"=\" in URI query parameter: \"a\"")]
    [InlineData("postgresql://h/d%zzb", "invalid percent-encoded token: \"d%zzb\"")]
    [InlineData("postgresql://h/db%2", "invalid percent-encoded token: \"db%2\"")]
    [InlineData("postgresql://h/d%00b", "forbidden value %00 in percent-encoded value: \"d%00b\"")]
    [InlineData("postgresql://h:abc/db", "invalid integer value \"abc\" for connection option \"port\"")]
    [InlineData("postgresql://h:99999/db", "invalid port number: \"99999\"")]
    [InlineData("postgresql://h/db?sslmode=bogus", "invalid sslmode value: \"bogus\"")]
    public void Malformed_uri(string uri, string expectedMessage)
    {
        if (expectedMessage.Length == 0)
        {
            ConnectionInfo.Parse(uri);
            return;
        }
        var e = Assert.Throws<ProgrammingError>(() => ConnectionInfo.Parse(uri));
        Assert.Equal(expectedMessage, e.Message);
    }

    [Theory]
    [InlineData("password='hunter2")]
    [InlineData("password=hunter2 xhunter2yz")]
    [InlineData("password=hunter2 xhunter2yz=1")]
    [InlineData("password='hunter2'xhunter2yz")]
    [InlineData("host=h password='it'hunter2's'")]
    [InlineData("postgresql://u:hunter2@[::1")]
    [InlineData("postgresql://u:hunter2@[::1]x/db")]
    [InlineData("postgresql://u:hunter2%zz@h/db")]
    [InlineData("postgresql://u:hunter2%00@h/db")]
    [InlineData("postgresql://u:hunter2%FF@h/db")]
    [InlineData("postgresql://h/db?password=hunter2%zz")]
    [InlineData("postgresql://h/db?password=hunter2&a=b=c")]
    [InlineData("postgresql://u:hunter2@h/db?foo=bar")]
    [InlineData("postgresql://h/db?password=hunter2&[::1")]
    [InlineData("postgresql://u:hunter2@x@[::1")]
    [InlineData("postgresql://u:hunter2?x@[::1")]
    [InlineData("mysql://u:hunter2@h/db")]
    [InlineData("mysql://u:hunter2@h/db?x=1")]
    [InlineData("host=h mysql://u:hunter2@h/db")]
    public void Errors_never_show_the_password(string conninfo)
    {
        var e = Assert.Throws<ProgrammingError>(() => ConnectionInfo.Parse(conninfo));
        Assert.DoesNotContain("hunter2", e.Message);
        Assert.DoesNotContain("hunter2", e.ToString());
    }

    [Fact]
    public void Uri_error_message_masks_the_password()
    {
        var e = Assert.Throws<ProgrammingError>(() => ConnectionInfo.Parse("postgresql://u:hunter2@[::1"));
        Assert.Contains("postgresql://u:********@[::1", e.Message);
    }

    [Fact]
    public void Parse_null_throws_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => ConnectionInfo.Parse(null!));
    }

    // ---- building -----------------------------------------------------------------------------------

    [Fact]
    public void FromDictionary_skips_nulls_and_checks_keywords_and_values()
    {
        var info = ConnectionInfo.FromDictionary(new Dictionary<string, string?>
        {
            ["host"] = "h", ["port"] = "5433", ["user"] = null, ["password"] = "p",
        });
        AssertValues(info, "host", "h", "port", "5433", "password", "p");

        var unknown = Assert.Throws<ProgrammingError>(() => ConnectionInfo.FromDictionary([new("bogus", "x")]));
        Assert.Equal("invalid connection option \"bogus\"", unknown.Message);
        var badValue = Assert.Throws<ProgrammingError>(() => ConnectionInfo.FromDictionary([new("sslmode", "x")]));
        Assert.Equal("invalid sslmode value: \"x\"", badValue.Message);
        // Null values are skipped before anything else.
        Assert.Empty(ConnectionInfo.FromDictionary([new("user", null)]).Values);
    }

    [Fact]
    public void With_sets_replaces_and_removes_without_changing_the_original()
    {
        var original = ConnectionInfo.Parse("host=a port=1");
        var changed = original.With("port", "2").With("dbname", "d");
        var removed = changed.With("host", null);

        AssertValues(original, "host", "a", "port", "1");
        AssertValues(changed, "host", "a", "port", "2", "dbname", "d");
        AssertValues(removed, "port", "2", "dbname", "d");
        Assert.Same(removed, removed.With("host", null));
        Assert.Throws<ProgrammingError>(() => original.With("bogus", "x"));
        Assert.Throws<ProgrammingError>(() => original.With("bogus", null));
        Assert.Throws<ProgrammingError>(() => original.With("port", "x"));
    }

    [Fact]
    public void Merge_lets_the_overrides_win()
    {
        var baseInfo = ConnectionInfo.Parse("host=a port=1 dbname=d");
        var merged = baseInfo.Merge(ConnectionInfo.Parse("port=2 user=u"));
        AssertValues(merged, "host", "a", "port", "2", "dbname", "d", "user", "u");
        Assert.Same(baseInfo, baseInfo.Merge(ConnectionInfo.Empty));
    }

    [Fact]
    public void Indexer_and_getters_return_null_when_unset()
    {
        var info = ConnectionInfo.Parse("host=h");
        Assert.Null(info["port"]);
        Assert.Null(info["not a keyword"]);
        Assert.Null(info.Port);
        Assert.Null(info.Password);
        Assert.False(info.Contains("port"));
    }

    [Fact]
    public void Typed_getters()
    {
        var info = ConnectionInfo.Parse(
            "host=h hostaddr=127.0.0.1 port=1 dbname=d user=u password=p passfile=pf application_name=a " +
            "fallback_application_name=f options=-cx=1 sslmode=require service=s connect_timeout=5 " +
            "target_session_attrs=standby channel_binding=disable load_balance_hosts=random client_encoding=LATIN1 " +
            "sslrootcert=r sslcert=c sslkey=k require_auth=md5");
        Assert.Equal(
            new[] { "h", "127.0.0.1", "1", "d", "u", "p", "pf", "a", "f", "-cx=1", "require", "s", "5", "standby", "disable", "random", "LATIN1", "r", "c", "k", "md5" },
            new[] { info.Host, info.HostAddr, info.Port, info.DbName, info.User, info.Password, info.PassFile, info.ApplicationName,
                info.FallbackApplicationName, info.Options, info.SslMode, info.Service, info.ConnectTimeout, info.TargetSessionAttrs,
                info.ChannelBinding, info.LoadBalanceHosts, info.ClientEncoding, info.SslRootCert, info.SslCert, info.SslKey, info.RequireAuth });
    }

    // ---- formatting ---------------------------------------------------------------------------------

    [Fact]
    public void ToString_masks_the_password()
    {
        var info = ConnectionInfo.Parse("host=h password=hunter2 user=u sslpassword=keypass");
        Assert.Equal("host=h password=******** user=u sslpassword=********", info.ToString());
        Assert.DoesNotContain("hunter2", info.ToString());
        Assert.DoesNotContain("hunter2", ConnectionInfo.Parse("postgresql://u:hunter2@h/d").ToString());
    }

    [Fact]
    public void ToConnectionString_leaves_out_the_password_unless_asked()
    {
        var info = ConnectionInfo.Parse("host=h password=hunter2 user=u");
        Assert.Equal("host=h user=u", info.ToConnectionString());
        Assert.Equal("host=h password=hunter2 user=u", info.ToConnectionString(includePassword: true));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "''")]
    [InlineData("with space", "'with space'")]
    [InlineData("it's", @"'it\'s'")]
    [InlineData(@"back\slash", @"'back\\slash'")]
    [InlineData("tab\there", "'tab\there'")]
    [InlineData("a=b", "a=b")]
    [InlineData("-c search_path=x", "'-c search_path=x'")]
    public void ToConnectionString_quotes_values(string value, string expected)
    {
        var info = ConnectionInfo.Empty.With("options", value);
        Assert.Equal("options=" + expected, info.ToConnectionString());
    }

    [Theory]
    [InlineData("it's")]
    [InlineData(@"\'\\' '")]
    [InlineData("")]
    [InlineData("  lead and trail  ")]
    [InlineData("new\nline")]
    [InlineData("pa%40ss@:/?")]
    public void ToConnectionString_round_trips(string value)
    {
        var info = ConnectionInfo.Empty.With("password", value).With("application_name", value).With("host", "h");
        var again = ConnectionInfo.Parse(info.ToConnectionString(includePassword: true));
        Assert.Equal(info.Values, again.Values);
    }

    [Fact]
    public void ToString_of_Empty_is_empty()
    {
        Assert.Equal("", ConnectionInfo.Empty.ToString());
    }
}
