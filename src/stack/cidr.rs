//! IPv4 CIDR ranges: parsing with reasons, and overlap.

use std::net::Ipv4Addr;

/// An IPv4 network such as `10.20.0.0/20`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    /// First address of the range.
    pub network: Ipv4Addr,
    /// Prefix length, 0 to 32.
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`, rejecting host bits set after the prefix (a common copy-paste slip).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (address, prefix) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` has no prefix length: write it as 10.20.0.0/20"))?;
        let address: Ipv4Addr = address
            .parse()
            .map_err(|_| format!("`{address}` is not an IPv4 address"))?;
        let prefix: u8 = match prefix.parse() {
            Ok(prefix) if prefix <= 32 => prefix,
            _ => return Err(format!("`/{prefix}` is not a prefix length from 0 to 32")),
        };
        let cidr = Cidr {
            network: address,
            prefix,
        };
        if cidr.first() != u32::from(address) {
            let network = Ipv4Addr::from(cidr.first());
            return Err(format!(
                "`{text}` has host bits set; the network is {network}/{prefix}"
            ));
        }
        Ok(cidr)
    }

    fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    fn first(self) -> u32 {
        u32::from(self.network) & self.mask()
    }

    fn last(self) -> u32 {
        self.first() | !self.mask()
    }

    /// The network in `address/netmask` form, as MySQL account host patterns want it.
    pub fn with_netmask(self) -> String {
        format!(
            "{}/{}",
            Ipv4Addr::from(self.first()),
            Ipv4Addr::from(self.mask())
        )
    }

    /// Whether the two ranges share any address.
    pub fn overlaps(self, other: Cidr) -> bool {
        self.first() <= other.last() && other.first() <= self.last()
    }

    /// Whether the range lies inside RFC 1918 private space, as a VPC subnet must.
    pub fn is_private(self) -> bool {
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
            .iter()
            .filter_map(|block| Cidr::parse(block).ok())
            .any(|block| block.first() <= self.first() && self.last() <= block.last())
    }
}

#[cfg(test)]
mod tests {
    use super::Cidr;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Cidr::parse("10.20.0.0/20").map(|c| c.prefix), Ok(20));
        for (bad, reason) in [
            ("10.20.0.0", "no prefix"),
            ("10.20.0/20", "not an IPv4"),
            ("10.20.0.0/33", "prefix length"),
            ("10.20.1.0/20", "host bits"),
            ("300.1.1.1/8", "not an IPv4"),
        ] {
            let error = Cidr::parse(bad).expect_err(bad);
            assert!(error.contains(reason), "{bad}: {error}");
        }
    }

    #[test]
    fn overlap_and_privacy() {
        let a = Cidr::parse("10.20.0.0/20").unwrap();
        let inside = Cidr::parse("10.20.8.0/24").unwrap();
        let beside = Cidr::parse("10.20.16.0/20").unwrap();
        assert!(a.overlaps(inside) && inside.overlaps(a));
        assert!(!a.overlaps(beside));
        assert!(a.is_private());
        assert_eq!(a.with_netmask(), "10.20.0.0/255.255.240.0");
        assert!(!Cidr::parse("35.235.240.0/20").unwrap().is_private());
        assert!(!Cidr::parse("10.0.0.0/7").unwrap().is_private());
    }
}
