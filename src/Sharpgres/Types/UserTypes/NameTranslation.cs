using System.Reflection;
using System.Text;

namespace Sharpgres.Types.UserTypes;

/// <summary>How .NET member names meet PostgreSQL names: snake_case, camelCase and PascalCase compare equal.</summary>
internal static class NameTranslation
{
    /// <summary>Lowercase without underscores: VeryHappy, very_happy and VERY_HAPPY are the same name.</summary>
    public static string Normalize(string name) => name.Replace("_", "").ToLowerInvariant();

    /// <summary>VeryHappy → very_happy, HTTPServer → http_server: the label an unregistered enum member is sent as.</summary>
    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && name[i - 1] != '_'
                && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>The [PgName] of a member, if it has one.</summary>
    public static string? PgNameOf(ICustomAttributeProvider member) =>
        member.GetCustomAttributes(typeof(PgNameAttribute), false) is [PgNameAttribute a, ..] ? a.Name : null;
}
