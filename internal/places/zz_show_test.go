package places

import (
	"fmt"
	"testing"
)

func TestShow(t *testing.T) {
	g, _ := Load()
	for _, n := range []string{"Gaza", "Rafah", "Aleppo", "Kherson", "Punjab", "Georgia", "Sur", "Bab", "Al Bab", "Homs", "Jerusalem", "Idlib Governorate", "Suwayda province", "Hasakah Governorate", "Donetsk Oblast", "Kursk", "Sweida", "Niger", "Washington", "Tyre", "Beni", "Shan", "Afar", "Amhara", "Sake"} {
		c := g.Lookup(n)
		fmt.Printf("%-20s %d:", n, len(c))
		for i, p := range c {
			if i == 4 {
				break
			}
			fmt.Printf(" [%s %s %s %s %.2f,%.2f pop=%d id=%d]", p.Name, p.Country, p.Kind, p.Admin1, p.Lat, p.Lon, p.Population, p.GeonamesID)
		}
		fmt.Println()
	}
}
