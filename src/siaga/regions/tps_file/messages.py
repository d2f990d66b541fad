"""What a TPS file's problems say, in Indonesian and English."""

from __future__ import annotations

from collections.abc import Mapping

from siaga.core.importkit import Problem
from siaga.core.tabular import FILE_MESSAGES, message
from siaga.regions.tps_file.data import Lang


# Row templates start lower case after a "Line N, column 'x': " prefix; file templates stand alone.
MESSAGES: Mapping[str, Mapping[str, str]] = {
    "id": {
        **FILE_MESSAGES["id"],
        "missing_column": "kolom wajib '{value}' tidak ditemukan.",
        "cell_too_long": "isi sel lebih dari {limit} karakter.",
        "bad_text": "nilai berisi karakter kontrol yang tidak diizinkan.",
        "missing_value": "nilai wajib diisi.",
        "bad_code": "kode '{value}' tidak valid; gunakan kode Kemendagri seperti 7405242009 (desa) atau 7405242009001 (TPS).",
        "conflict_code": "kode TPS '{value}' tidak cocok dengan kode desa '{desa}' dan nomor TPS '{number}'.",
        "unknown_desa": "kode desa '{value}' tidak dikenal; lihat saran pemetaan kode.",
        "bad_mapping": "kode desa '{value}' dipetakan ke '{target}', yang juga tidak dikenal.",
        "desa_name_mismatch": "nama desa '{value}' berbeda dengan nama untuk kode {desa} ('{known}'); periksa urutan kode (Kemendagri atau BPS).",
        "duplicate_tps": "TPS {value} ({election}) sudah ada di baris {first_line}.",
        "bad_number": "nilai '{value}' bukan bilangan bulat yang valid.",
        "negative": "nilai '{value}' tidak boleh negatif.",
        "over_limit": "jumlah pemilih {value} melebihi batas {limit} per TPS untuk {election}.",
        "gender_sum": "dpt_laki ({male}) + dpt_perempuan ({female}) = {total}, tidak sama dengan dpt ({value}).",
        "bad_lat": "lintang '{value}' tidak valid atau di luar Indonesia (-11 sampai 6,5).",
        "bad_lng": "bujur '{value}' tidak valid atau di luar Indonesia (94 sampai 141,5).",
        "swapped_coordinates": "lintang '{value}' dan bujur '{lng}' tampaknya tertukar.",
        "incomplete_coordinates": "lintang dan bujur harus diisi bersama.",
        "bad_election": "jenis pemilihan '{value}' tidak dikenal (pemilu atau pilkada).",
        "bad_bool": "nilai '{value}' harus ya atau tidak.",
        "bad_access": "akses '{value}' tidak dikenal (normal, sulit, perahu, pulau).",
        # raised by the import service, which checks the user's area
        "not_allowed": "Pengguna '{value}' tidak berwenang mengimpor data TPS.",
        "out_of_scope": "TPS {value} berada di luar wilayah Anda ({area}).",
    },
    "en": {
        **FILE_MESSAGES["en"],
        "missing_column": "required column '{value}' not found.",
        "cell_too_long": "cell is longer than {limit} characters.",
        "bad_text": "value contains control characters that are not allowed.",
        "missing_value": "a value is required.",
        "bad_code": "code '{value}' is not valid; use a Kemendagri code such as 7405242009 (desa) or 7405242009001 (TPS).",
        "conflict_code": "TPS code '{value}' does not match desa code '{desa}' and TPS number '{number}'.",
        "unknown_desa": "desa code '{value}' is unknown; see the code mapping suggestions.",
        "bad_mapping": "desa code '{value}' is mapped to '{target}', which is unknown too.",
        "desa_name_mismatch": "desa name '{value}' differs from the name for code {desa} ('{known}'); check the code order (Kemendagri or BPS).",
        "duplicate_tps": "TPS {value} ({election}) already appears on line {first_line}.",
        "bad_number": "value '{value}' is not a valid whole number.",
        "negative": "value '{value}' must not be negative.",
        "over_limit": "{value} voters exceed the limit of {limit} per TPS for {election}.",
        "gender_sum": "dpt_laki ({male}) + dpt_perempuan ({female}) = {total}, which differs from dpt ({value}).",
        "bad_lat": "latitude '{value}' is not valid or outside Indonesia (-11 to 6.5).",
        "bad_lng": "longitude '{value}' is not valid or outside Indonesia (94 to 141.5).",
        "swapped_coordinates": "latitude '{value}' and longitude '{lng}' look swapped.",
        "incomplete_coordinates": "latitude and longitude must be given together.",
        "bad_election": "election type '{value}' is unknown (pemilu or pilkada).",
        "bad_bool": "value '{value}' must be yes or no.",
        "bad_access": "access '{value}' is unknown (normal, hard, boat, island).",
        "not_allowed": "User '{value}' may not import TPS data.",
        "out_of_scope": "TPS {value} lies outside your area ({area}).",
    },
}


def render(problem: Problem, lang: Lang = "id") -> str:
    """The message of ``problem`` in ``lang``; lets a caller re-render stored problems."""
    return _message(lang, problem.code, problem.line, problem.column, problem.value, problem.params)


def _message(lang, code, line, column, value, params) -> str:
    return message(MESSAGES, lang, code, line, column, value, params)
