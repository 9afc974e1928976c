using Microsoft.AspNetCore.Identity;

namespace Tsunagu.Access;

/// <summary>Identity's password and account errors in Japanese, for the screens.</summary>
public static class IdentityMessages
{
    public static string Japanese(IdentityError error) => error.Code switch
    {
        "PasswordMismatch" => "現在のパスワードが正しくありません。",
        "PasswordTooShort" => "パスワードは12文字以上にしてください。",
        "PasswordRequiresNonAlphanumeric" => "パスワードに記号を1文字以上含めてください。",
        "PasswordRequiresDigit" => "パスワードに数字を1文字以上含めてください。",
        "PasswordRequiresLower" => "パスワードに英小文字を1文字以上含めてください。",
        "PasswordRequiresUpper" => "パスワードに英大文字を1文字以上含めてください。",
        "DuplicateEmail" or "DuplicateUserName" => "このメールアドレスのアカウントはすでにあります。",
        "InvalidEmail" => "メールアドレスの形式が正しくありません。",
        "CommonPassword" => error.Description,
        _ => error.Description,
    };
}
