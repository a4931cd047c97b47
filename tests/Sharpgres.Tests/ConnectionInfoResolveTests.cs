namespace Sharpgres.Tests;

/// <summary>Resolving connection info: precedence, defaults, hosts and ports, value conversion. Fake environment, temp files.</summary>
public sealed class ConnectionInfoResolveTests : IDisposable
{
    private readonly ConnectionInfoTempDir _home = new();

    public void Dispose() => _home.Dispose();

    private ConnectionSettings Resolve(string conninfo, Dictionary<string, string>? env = null, string[]? dirs = null, Random? random = null) =>
        ConnectionInfo.Parse(conninfo).Resolve(FakeEnvironment.Create(_home.Path, env, dirs, random));

    // ---- defaults -----------------------------------------------------------------------------------

    [Fact]
    public void Defaults()
    {
        var s = Resolve("");
        var target = Assert.Single(s.Targets);
        Assert.Equal("/var/run/postgresql", target.Host);
        Assert.Null(target.HostAddr);
        Assert.Equal(5432, target.Port);
        Assert.Null(target.Password);
        Assert.True(target.IsUnixSocket);
        Assert.Equal("/var/run/postgresql/.s.PGSQL.5432", target.SocketPath);
        Assert.Equal("osuser", s.User);
        Assert.Equal("osuser", s.DbName);
        Assert.Equal("UTF8", s.ClientEncoding);
        Assert.Equal(SslMode.Prefer, s.SslMode);
        Assert.Equal(ChannelBinding.Prefer, s.ChannelBinding);
        Assert.Equal(TargetSessionAttrs.Any, s.TargetSessionAttrs);
        Assert.Equal(LoadBalanceHosts.Disable, s.LoadBalanceHosts);
        Assert.Null(s.ConnectTimeout);
        Assert.Null(s.ApplicationName);
        Assert.Null(s.KeepAlives);
        Assert.True(s.SslSni);
        Assert.Equal("TLSv1.2", s.SslMinProtocolVersion);
        Assert.Empty(s.Warnings);
        Assert.Empty(s.Effective.Values);
    }

    [Theory]
    [InlineData(new[] { "/var/run/postgresql", "/tmp" }, "/var/run/postgresql")]
    [InlineData(new[] { "/tmp" }, "/tmp")]
    [InlineData(new string[0], "localhost")]
    public void Default_host_is_the_first_existing_socket_directory(string[] dirs, string expected)
    {
        var target = Assert.Single(Resolve("", dirs: dirs).Targets);
        Assert.Equal(expected, target.Host);
        Assert.Equal(expected != "localhost", target.IsUnixSocket);
    }

    [Fact]
    public void Default_host_on_Windows_is_localhost()
    {
        var env = FakeEnvironment.Create(_home.Path, isWindows: true);
        Assert.Equal("localhost", Assert.Single(ConnectionInfo.Empty.Resolve(env).Targets).Host);
    }

    [Fact]
    public void Default_user_and_dbname_also_replace_empty_values()
    {
        var s = Resolve("user='' dbname=''");
        Assert.Equal("osuser", s.User);
        Assert.Equal("osuser", s.DbName);
        Assert.Equal("alice", Resolve("user=alice").DbName);
    }

    [Fact]
    public void Default_user_is_the_OS_user_through_the_public_overload()
    {
        // The getEnv/home overload: nothing from the real environment or home directory.
        var s = ConnectionInfo.Parse("host=h").Resolve(_ => null, _home.Path);
        Assert.Equal(Environment.UserName, s.User);
        Assert.Equal(Environment.UserName, s.DbName);
        Assert.Equal("h", Assert.Single(s.Targets).Host);
    }

    // ---- precedence ---------------------------------------------------------------------------------

    [Fact]
    public void Environment_variables_fill_what_is_not_set()
    {
        var env = new Dictionary<string, string>
        {
            ["PGHOST"] = "envhost", ["PGPORT"] = "6000", ["PGDATABASE"] = "envdb", ["PGUSER"] = "envuser",
            ["PGPASSWORD"] = "envpass", ["PGAPPNAME"] = "envapp", ["PGSSLMODE"] = "require",
            ["PGCONNECT_TIMEOUT"] = "7", ["PGOPTIONS"] = "-c geqo=off", ["PGTARGETSESSIONATTRS"] = "read-only",
            ["PGCHANNELBINDING"] = "disable", ["PGLOADBALANCEHOSTS"] = "disable", ["PGCLIENTENCODING"] = "LATIN1",
            ["PGSSLROOTCERT"] = "/ca.crt", ["PGSSLCERT"] = "/c.crt", ["PGSSLKEY"] = "/c.key", ["PGREQUIREAUTH"] = "scram-sha-256",
        };
        var s = Resolve("", env);
        var target = Assert.Single(s.Targets);
        Assert.Equal(("envhost", 6000, "envpass"), (target.Host, target.Port, target.Password));
        Assert.Equal(("envuser", "envdb", "envapp"), (s.User, s.DbName, s.ApplicationName));
        Assert.Equal(SslMode.Require, s.SslMode);
        Assert.Equal(TimeSpan.FromSeconds(7), s.ConnectTimeout);
        Assert.Equal("-c geqo=off", s.Options);
        Assert.Equal(TargetSessionAttrs.ReadOnly, s.TargetSessionAttrs);
        Assert.Equal(ChannelBinding.Disable, s.ChannelBinding);
        Assert.Equal("LATIN1", s.ClientEncoding);
        Assert.Equal(("/ca.crt", "/c.crt", "/c.key"), (s.SslRootCert, s.SslCert, s.SslKey));
        Assert.Equal("scram-sha-256", s.RequireAuth);
        Assert.Equal("envhost", s.Effective.Host);
    }

    [Fact]
    public void Explicit_values_beat_environment_variables()
    {
        var env = new Dictionary<string, string> { ["PGHOST"] = "envhost", ["PGUSER"] = "envuser", ["PGSSLMODE"] = "require" };
        var s = Resolve("host=explicit user=me sslmode=disable", env);
        Assert.Equal("explicit", Assert.Single(s.Targets).Host);
        Assert.Equal("me", s.User);
        Assert.Equal(SslMode.Disable, s.SslMode);
    }

    [Fact]
    public void Explicit_empty_host_is_set_so_PGHOST_is_not_used()
    {
        var s = Resolve("host=''", new() { ["PGHOST"] = "envhost" });
        Assert.Equal("/var/run/postgresql", Assert.Single(s.Targets).Host);
    }

    [Fact]
    public void Invalid_environment_values_are_reported()
    {
        var e = Assert.Throws<ProgrammingError>(() => Resolve("", new() { ["PGSSLMODE"] = "bogus" }));
        Assert.Equal("invalid sslmode value: \"bogus\"", e.Message);
        e = Assert.Throws<ProgrammingError>(() => Resolve("", new() { ["PGPORT"] = "x" }));
        Assert.Equal("invalid integer value \"x\" for connection option \"port\"", e.Message);
    }

    [Fact]
    public void Precedence_explicit_then_service_then_environment_then_defaults()
    {
        var serviceFile = _home.Write("services.conf", """
            [mysvc]
            host=svchost
            port=7000
            dbname=svcdb
            """);
        var env = new Dictionary<string, string>
        {
            ["PGSERVICEFILE"] = serviceFile, ["PGHOST"] = "envhost", ["PGPORT"] = "6000", ["PGDATABASE"] = "envdb",
            ["PGUSER"] = "envuser",
        };
        var s = Resolve("service=mysvc host=explicit", env);
        var target = Assert.Single(s.Targets);
        Assert.Equal("explicit", target.Host);    // explicit beats service
        Assert.Equal(7000, target.Port);          // service beats environment
        Assert.Equal("svcdb", s.DbName);          // service beats environment
        Assert.Equal("envuser", s.User);          // environment beats default
        Assert.Equal(SslMode.Prefer, s.SslMode);  // default
        Assert.Equal("mysvc", s.Service);
    }

    [Fact]
    public void PGSERVICE_selects_the_service()
    {
        _home.Write(".pg_service.conf", "[fromenv]\nhost=svchost\n");
        var s = Resolve("", new() { ["PGSERVICE"] = "fromenv", ["PGHOST"] = "envhost" });
        Assert.Equal("svchost", Assert.Single(s.Targets).Host);
        Assert.Equal("fromenv", s.Service);
    }

    [Fact]
    public void Deprecated_PGREQUIRESSL_means_require_unless_sslmode_is_set()
    {
        Assert.Equal(SslMode.Require, Resolve("", new() { ["PGREQUIRESSL"] = "1" }).SslMode);
        Assert.Equal(SslMode.Disable, Resolve("sslmode=disable", new() { ["PGREQUIRESSL"] = "1" }).SslMode);
        Assert.Equal(SslMode.Prefer, Resolve("", new() { ["PGREQUIRESSL"] = "0" }).SslMode);
    }

    // ---- hosts and ports ----------------------------------------------------------------------------

    [Fact]
    public void Several_hosts_with_one_port()
    {
        var s = Resolve("host=a,b,c port=6000");
        Assert.Equal(["a:6000", "b:6000", "c:6000"], s.Targets.Select(t => $"{t.Host}:{t.Port}"));
    }

    [Fact]
    public void Several_hosts_with_as_many_ports_and_empty_entries()
    {
        var s = Resolve("host=a,,/tmp port=6000,,6002");
        Assert.Equal(["a:6000", "/var/run/postgresql:5432", "/tmp:6002"], s.Targets.Select(t => $"{t.Host}:{t.Port}"));
        Assert.Equal([false, true, true], s.Targets.Select(t => t.IsUnixSocket));
        Assert.Equal("/tmp/.s.PGSQL.6002", s.Targets[2].SocketPath);
    }

    [Fact]
    public void Several_hosts_without_ports_use_the_default_port()
    {
        var s = Resolve("postgresql://h1,h2/db");
        Assert.Equal(["h1:5432", "h2:5432"], s.Targets.Select(t => $"{t.Host}:{t.Port}"));
    }

    [Fact]
    public void Uri_hosts_and_ports()
    {
        var s = Resolve("postgresql://user:pa%40ss@host1:5432,host2:5433/db?sslmode=require&application_name=x");
        Assert.Equal(["host1:5432", "host2:5433"], s.Targets.Select(t => $"{t.Host}:{t.Port}"));
        Assert.All(s.Targets, t => Assert.Equal("pa@ss", t.Password));
        Assert.Equal(("user", "db", "x", SslMode.Require), (s.User, s.DbName, s.ApplicationName, s.SslMode));
    }

    [Theory]
    [InlineData("host=a,b port=1,2,3", "could not match 3 port numbers to 2 hosts")]
    [InlineData("host=a,b,c port=1,2", "could not match 2 port numbers to 3 hosts")]
    [InlineData("port=1,2", "could not match 2 port numbers to 1 hosts")]
    [InlineData("host=a,b hostaddr=127.0.0.1", "could not match 2 host names to 1 hostaddr values")]
    [InlineData("hostaddr=localhost", "could not parse network address \"localhost\"")]
    public void Mismatched_lists_are_errors(string conninfo, string expectedMessage)
    {
        var e = Assert.Throws<ProgrammingError>(() => Resolve(conninfo));
        Assert.Equal(expectedMessage, e.Message);
    }

    [Fact]
    public void Hostaddr_means_TCP_and_gives_the_host_name_when_none_is_given()
    {
        var s = Resolve("hostaddr=127.0.0.1,::1 host=db.example.com,");
        Assert.Equal(new ConnectTarget("db.example.com", "127.0.0.1", 5432, null), s.Targets[0]);
        Assert.Equal(new ConnectTarget("::1", "::1", 5432, null), s.Targets[1]);
        Assert.All(s.Targets, t => Assert.False(t.IsUnixSocket));

        Assert.False(Assert.Single(Resolve("host=/tmp hostaddr=127.0.0.1").Targets).IsUnixSocket);
        Assert.Equal(3, Resolve("hostaddr=127.0.0.1,127.0.0.2,127.0.0.3 port=1").Targets.Count);
    }

    [Fact]
    public void Abstract_socket_host()
    {
        var target = Assert.Single(Resolve("host=@pg port=5433").Targets);
        Assert.True(target.IsUnixSocket);
        Assert.Equal("@pg/.s.PGSQL.5433", target.SocketPath);
    }

    [Fact]
    public void Load_balance_random_shuffles_all_targets()
    {
        const string conninfo = "host=h1,h2,h3,h4,h5,h6 port=1,2,3,4,5,6 load_balance_hosts=random";
        var inOrder = Enumerable.Range(1, 6).Select(i => $"h{i}:{i}").ToArray();
        var orders = new HashSet<string>();
        for (var seed = 0; seed < 20; seed++)
        {
            var s = Resolve(conninfo, random: new Random(seed));
            Assert.Equal(LoadBalanceHosts.Random, s.LoadBalanceHosts);
            var targets = s.Targets.Select(t => $"{t.Host}:{t.Port}").ToArray();
            Assert.Equal(inOrder, targets.Order());  // every host, with its own port, exactly once
            orders.Add(string.Join(",", targets));
        }
        Assert.True(orders.Count > 1);

        var shared = ConnectionInfo.Parse(conninfo).Resolve(_ => null, _home.Path);  // Random.Shared
        Assert.Equal(inOrder, shared.Targets.Select(t => $"{t.Host}:{t.Port}").Order());
    }

    [Fact]
    public void Load_balance_disable_keeps_the_order()
    {
        var s = Resolve("host=h1,h2,h3 load_balance_hosts=disable");
        Assert.Equal(["h1", "h2", "h3"], s.Targets.Select(t => t.Host));
    }

    // ---- conversions --------------------------------------------------------------------------------

    [Theory]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("1", 2)]
    [InlineData("2", 2)]
    [InlineData(" 30 ", 30)]
    public void Connect_timeout(string value, int? expectedSeconds)
    {
        var s = Resolve($"connect_timeout='{value}'");
        Assert.Equal(expectedSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, s.ConnectTimeout);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Sslmode_values(string value, SslMode expected) => Assert.Equal(expected, Resolve($"sslmode={value}").SslMode);

    [Theory]
    [InlineData("any", TargetSessionAttrs.Any)]
    [InlineData("read-write", TargetSessionAttrs.ReadWrite)]
    [InlineData("read-only", TargetSessionAttrs.ReadOnly)]
    [InlineData("primary", TargetSessionAttrs.Primary)]
    [InlineData("standby", TargetSessionAttrs.Standby)]
    [InlineData("prefer-standby", TargetSessionAttrs.PreferStandby)]
    public void Target_session_attrs_values(string value, TargetSessionAttrs expected) =>
        Assert.Equal(expected, Resolve($"target_session_attrs={value}").TargetSessionAttrs);

    [Theory]
    [InlineData("disable", ChannelBinding.Disable)]
    [InlineData("prefer", ChannelBinding.Prefer)]
    [InlineData("require", ChannelBinding.Require)]
    public void Channel_binding_values(string value, ChannelBinding expected) =>
        Assert.Equal(expected, Resolve($"channel_binding={value}").ChannelBinding);

    [Fact]
    public void Sslrootcert_system_defaults_to_verify_full_and_rejects_weaker_modes()
    {
        Assert.Equal(SslMode.VerifyFull, Resolve("sslrootcert=system").SslMode);
        var e = Assert.Throws<ProgrammingError>(() => Resolve("sslrootcert=system sslmode=require"));
        Assert.Equal("weak sslmode \"require\" may not be used with sslrootcert=system (use \"verify-full\")", e.Message);
    }

    [Fact]
    public void Sslnegotiation_direct_needs_a_strong_sslmode()
    {
        Assert.Equal("direct", Resolve("sslnegotiation=direct sslmode=require").SslNegotiation);
        Assert.Throws<ProgrammingError>(() => Resolve("sslnegotiation=direct"));
    }

    [Fact]
    public void Ssl_protocol_range()
    {
        Assert.Equal("TLSv1.3", Resolve("ssl_min_protocol_version=TLSv1.3").SslMinProtocolVersion);
        var e = Assert.Throws<ProgrammingError>(() => Resolve("ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=tlsv1.2"));
        Assert.Equal("invalid SSL protocol version range", e.Message);
    }

    [Fact]
    public void Other_settings()
    {
        var s = Resolve("keepalives=0 keepalives_idle=10 keepalives_interval=5 keepalives_count=3 tcp_user_timeout=100 " +
                        "client_encoding=auto sslsni=0 fallback_application_name=fb replication=database requirepeer=postgres " +
                        "sslpassword=kp sslcrl=crl sslcrldir=crldir sslcertmode=require gssencmode=disable");
        Assert.Equal((false, 10, 5, 3, 100), (s.KeepAlives!.Value, s.KeepAlivesIdle!.Value, s.KeepAlivesInterval!.Value, s.KeepAlivesCount!.Value, s.TcpUserTimeout!.Value));
        Assert.Equal("UTF8", s.ClientEncoding);
        Assert.False(s.SslSni);
        Assert.Equal(("fb", "database", "postgres"), (s.FallbackApplicationName, s.Replication, s.RequirePeer));
        Assert.Equal(("kp", "crl", "crldir", "require", "disable"), (s.SslPassword, s.SslCrl, s.SslCrlDir, s.SslCertMode, s.GssEncMode));
        Assert.True(Resolve("keepalives=1").KeepAlives);
    }

    [Fact]
    public void Effective_lists_explicit_and_environment_values_but_not_defaults()
    {
        var s = Resolve("host=h password=p", new() { ["PGUSER"] = "u" });
        Assert.Equal("h", s.Effective.Host);
        Assert.Equal("p", s.Effective.Password);
        Assert.Equal("u", s.Effective.User);
        Assert.Null(s.Effective.Port);
    }

    [Fact]
    public void ConnectTarget_ToString_hides_the_password()
    {
        var target = Assert.Single(Resolve("host=h password=hunter2").Targets);
        Assert.Equal("hunter2", target.Password);
        Assert.DoesNotContain("hunter2", target.ToString());
    }
}
