"""Known-answer tests for SM3, SM4, SM4-GCM and SM2 on both backends (R-SEC-01)."""

from __future__ import annotations

import pytest

from medcloud.crypto import sm2, sm3, sm4

# GB/T 32905-2016 appendix A: example 1 ("abc") and example 2 (512-bit "abcd" x 16).
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
SM3_512 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"

# GB/T 32907-2016 appendix A: key = plaintext, one block and 1,000,000 iterations.
SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
SM4_ONCE = "681edf34d206965e86b3e94f536e4246"
SM4_MILLION = "595298c7c6fd271f0402f804c33d3f66"

# RFC 8998 appendix A.1: SM4-GCM.
GCM_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
GCM_NONCE = bytes.fromhex("00001234567800000000ABCD")
GCM_AAD = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
GCM_PLAIN = bytes.fromhex(
    "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
    "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
)
GCM_CIPHER = bytes.fromhex(
    "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
    "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
)
GCM_TAG = bytes.fromhex("83DE3541E4C2B58177E065A9BF7B62EC")

# GB/T 32918.2-2016 appendix A.2: the Fp-256 test curve, ID ALICE123@YAHOO.COM.
TEST_CURVE = sm2.Curve(
    p=0x8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3,
    a=0x787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498,
    b=0x63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A,
    gx=0x421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D,
    gy=0x0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2,
    n=0x8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7,
)
A2_D = "128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263"
A2_PUBLIC = (
    "04" "0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A"
    "7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857"
).lower()
A2_ID = b"ALICE123@YAHOO.COM"
A2_ZA = "f4a38489e32b45b6f876e3ac2168ca392362dc8f23459c1d1146fc3dbfb7bc9a"
A2_E = "b524f552cd82b8b028476e005c377fb19a87e6fc682d48bb5d42e3d9b9effe76"
A2_K = 0x6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F
A2_SIG = (
    "40f1ec59f793d9f49e09dcef49130d4194f79fb1eed2caa55bacdb49c4e755d1"
    "6fc6dac32c5d5cf10c77dfb20f7c2eb667a457872fb09ec56327a67ec7deebe7"
)

# GM/T 0003.5-2012 example on the recommended curve with the default ID 1234567812345678.
P256_D = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
P256_K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
P256_SIG = (
    "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
    "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa"
)


def test_r_sec_01_sm3_backend_is_openssl_here() -> None:
    # The speed target depends on it; a fallback would still be correct but slow.
    assert sm3.BACKEND == "openssl"
    assert sm4.BACKEND == "openssl"


@pytest.mark.parametrize(("message", "expected"), [(b"abc", SM3_ABC), (b"abcd" * 16, SM3_512)])
def test_r_sec_01_sm3_gbt32905_vectors(message: bytes, expected: str) -> None:
    assert sm3.hexdigest(message) == expected
    assert sm3.gmssl_hexdigest(message) == expected


def test_sm3_incremental_equals_one_shot() -> None:
    hasher = sm3.new()
    for chunk in (b"ab", b"", b"c"):
        hasher.update(chunk)
    assert hasher.hexdigest() == SM3_ABC
    assert sm3.digest(b"abc") == bytes.fromhex(SM3_ABC)


def test_r_sec_01_sm4_gbt32907_single_block() -> None:
    enc = sm4.ecb_encryptor(SM4_KEY).encryptor()
    assert (enc.update(SM4_KEY) + enc.finalize()).hex() == SM4_ONCE


def test_r_sec_01_sm4_gbt32907_million_iterations() -> None:
    enc = sm4.ecb_encryptor(SM4_KEY).encryptor()
    block = SM4_KEY
    for _ in range(1_000_000):
        block = enc.update(block)
    assert block.hex() == SM4_MILLION


@pytest.mark.parametrize("backend", ["openssl", "gmssl"])
def test_r_sec_02_sm4_gcm_rfc8998_vector(backend: str) -> None:
    encrypt = sm4.encrypt if backend == "openssl" else sm4.gmssl_encrypt
    decrypt = sm4.decrypt if backend == "openssl" else sm4.gmssl_decrypt
    sealed = encrypt(GCM_KEY, GCM_NONCE, GCM_PLAIN, GCM_AAD)
    assert sealed == GCM_CIPHER + GCM_TAG
    assert decrypt(GCM_KEY, GCM_NONCE, sealed, GCM_AAD) == GCM_PLAIN


@pytest.mark.parametrize("backend", ["openssl", "gmssl"])
@pytest.mark.parametrize("part", ["ciphertext", "tag", "aad", "nonce", "key"])
def test_sm4_gcm_rejects_any_change(backend: str, part: str) -> None:
    decrypt = sm4.decrypt if backend == "openssl" else sm4.gmssl_decrypt
    key, nonce, aad = bytearray(GCM_KEY), bytearray(GCM_NONCE), bytearray(GCM_AAD)
    data = bytearray(GCM_CIPHER + GCM_TAG)
    target = {"ciphertext": data, "tag": data, "aad": aad, "nonce": nonce, "key": key}[part]
    target[-1 if part == "tag" else 0] ^= 0x01
    with pytest.raises(sm4.InvalidTag):
        decrypt(bytes(key), bytes(nonce), bytes(data), bytes(aad))


def test_sm4_gcm_odd_lengths_agree_between_backends() -> None:
    for size in (0, 1, 15, 17, 33):
        plain = bytes(range(size))
        assert sm4.encrypt(GCM_KEY, GCM_NONCE, plain, b"x" * (size % 5)) == sm4.gmssl_encrypt(
            GCM_KEY, GCM_NONCE, plain, b"x" * (size % 5)
        )


def test_sm4_rejects_wrong_sizes() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        sm4.encrypt(b"short", GCM_NONCE, b"")
    with pytest.raises(ValueError, match="nonce"):
        sm4.encrypt(GCM_KEY, b"n", b"")


def test_r_sec_01_sm2_gbt32918_appendix_a2_known_answer() -> None:
    assert sm2.public_from_private(A2_D, TEST_CURVE) == A2_PUBLIC
    assert sm2.za(A2_PUBLIC, A2_ID, TEST_CURVE).hex() == A2_ZA
    assert sm2.message_digest(A2_PUBLIC, b"message digest", A2_ID, TEST_CURVE).hex() == A2_E
    signature = sm2.sign(A2_D, b"message digest", uid=A2_ID, curve=TEST_CURVE, k=A2_K)
    assert signature.hex() == A2_SIG
    assert sm2.verify(A2_PUBLIC, b"message digest", signature, uid=A2_ID, curve=TEST_CURVE)


def test_r_sec_01_sm2_recommended_curve_known_answer() -> None:
    public = sm2.public_from_private(P256_D)
    signature = sm2.sign(P256_D, b"message digest", k=P256_K)
    assert signature.hex() == P256_SIG
    # Verifying the published signature exercises the default ID 1234567812345678.
    assert sm2.verify(public, b"message digest", bytes.fromhex(P256_SIG))


def test_sm2_sign_verify_and_rejections() -> None:
    private, public = sm2.generate_keypair()
    signature = sm2.sign(private, b"report")
    assert sm2.verify(public, b"report", signature)
    assert not sm2.verify(public, b"report!", signature)
    assert not sm2.verify(public, b"report", signature, uid=b"someone else")
    flipped = bytearray(signature)
    flipped[10] ^= 1
    assert not sm2.verify(public, b"report", bytes(flipped))
    assert not sm2.verify(public, b"report", signature[:-1])
    assert not sm2.verify(public, b"report", bytes(64))
    _, other = sm2.generate_keypair()
    assert not sm2.verify(other, b"report", signature)


def test_sm2_rejects_points_off_the_curve() -> None:
    _, public = sm2.generate_keypair()
    bad = public[:-1] + ("0" if public[-1] != "0" else "1")
    with pytest.raises(sm2.KeyFormatError, match="not a point on the curve"):
        sm2.parse_public(bad)
    assert not sm2.verify(bad, b"m", bytes(64))


def test_sm2_key_whose_x_starts_with_zero_or_four() -> None:
    """gmssl lstrip()s '04' from public keys, eating leading 0/4 digits of x; we must not."""
    assert A2_PUBLIC.startswith("040")  # the appendix key itself is such a key
    assert sm2.verify(A2_PUBLIC, b"message digest", bytes.fromhex(A2_SIG), uid=A2_ID, curve=TEST_CURVE)
    found = 0
    for d in range(1, 200):  # bounded search on the recommended curve
        private = f"{d:064x}"
        public = sm2.public_from_private(private)
        if public[2] in "04":
            assert sm2.verify(public, b"m", sm2.sign(private, b"m"))
            found += 1
        if found == 3:
            break
    assert found == 3


def test_sm2_private_key_range() -> None:
    with pytest.raises(sm2.KeyFormatError):
        sm2.parse_private("0")
    with pytest.raises(sm2.KeyFormatError):
        sm2.parse_private(f"{sm2.SM2_P256.n - 1:x}")
    with pytest.raises(sm2.KeyFormatError):
        sm2.parse_private("not hex")
