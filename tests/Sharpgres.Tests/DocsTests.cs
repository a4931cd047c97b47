using System.Reflection;
using System.Text.RegularExpressions;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// The name maps (docs/psycopg.md and the README's table) only name what exists: every <c>conn.X</c>, <c>cur.X</c>,
/// <c>Pg.X</c> ... chain in them resolves to public members of the Sharpgres types, one member after the other.
/// </summary>
public partial class DocsTests
{
    /// <summary>The variable names the docs use, and the type each stands for.</summary>
    private static readonly Dictionary<string, Type> Roots = new()
    {
        ["conn"] = typeof(Connection), ["cur"] = typeof(Cursor), ["row"] = typeof(Row), ["tx"] = typeof(Transaction),
        ["e"] = typeof(Error), ["Info"] = typeof(SessionInfo), ["Pg"] = typeof(Pg), ["ConnectionInfo"] = typeof(ConnectionInfo),
        ["Error"] = typeof(Error), ["RowFactory"] = typeof(RowFactory), ["ScrollMode"] = typeof(ScrollMode),
        ["IsolationLevel"] = typeof(IsolationLevel), ["TransactionStatus"] = typeof(TransactionStatus),
    };

    [GeneratedRegex(@"(?<![\w.])(?<root>[A-Za-z]\w*)(?<chain>(?:\.[A-Z]\w*)+)")]
    private static partial Regex MemberChain();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [Theory]
    [InlineData("docs/psycopg.md")]
    [InlineData("README.md")]
    public void Every_Sharpgres_name_in_the_map_exists(string file)
    {
        var checkedCount = 0;
        var missing = new List<string>();
        var text = Repo.Read(file);
        // README's "Dapper and ADO.NET" section names ADO.NET and Dapper members on a SharpgresConnection `conn`;
        // DapperSampleTests (tests/Sharpgres.Data.Tests) checks that section against the sample that runs.
        var ado = text.IndexOf("\n## Dapper and ADO.NET", StringComparison.Ordinal);
        if (ado >= 0)
        {
            var next = text.IndexOf("\n## ", ado + 1, StringComparison.Ordinal);
            text = text[..ado] + (next < 0 ? "" : text[next..]);
        }
        foreach (Match span in CodeSpan().Matches(text))
            foreach (Match m in MemberChain().Matches(span.Groups[1].Value))
            {
                if (!Roots.TryGetValue(m.Groups["root"].Value, out var type)) continue;
                checkedCount++;
                foreach (var member in m.Groups["chain"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
                {
                    var found = type.GetMember(member, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy);
                    if (found.Length == 0) { missing.Add($"{m.Value} ({type.Name} has no {member})"); break; }
                    var next = found[0] switch
                    {
                        PropertyInfo p => p.PropertyType,
                        FieldInfo f => f.FieldType,
                        MethodInfo mi => mi.ReturnType,
                        _ => null,
                    };
                    if (next is null) break;
                    type = next;
                }
            }
        Assert.True(checkedCount > 10, $"only {checkedCount} names checked in {file}: did the variable names change?");
        Assert.True(missing.Count == 0, $"{file} names members that don't exist:\n  " + string.Join("\n  ", missing));
    }
}
