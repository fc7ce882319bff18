-- tag_sector: tags a tract with the sectors whose words it uses
-- ("sector:hospital", "sector:post"...), comparing folded words, so that
-- "Hôpital", "HOPITAL" and "hôpital" are the same word.
local SECTORS = {
  hospital = { "hopital", "clinique", "soignants", "infirmieres", "patients" },
  post = { "poste", "facteurs", "tournee", "courrier" },
  logistics = { "entrepot", "logistique", "preparateurs", "caristes" },
  call_centre = { "centre d'appels", "teleconseillers", "appels" },
  town_hall = { "mairie", "collectivite", "agents territoriaux" },
  retail = { "magasin", "caisse", "hypermarche", "supermarche" },
  transport = { "bus", "conducteurs", "depot", "reseau" },
  bank = { "banque", "agence bancaire", "conseillers" },
}

return function(doc)
  local folded = " " .. vigie.fold(doc.text):gsub("[’']", "'"):gsub("%p", " ") .. " "
  for sector, words in pairs(SECTORS) do
    for _, w in ipairs(words) do
      if folded:find(" " .. w .. " ", 1, true) then
        doc:tag("sector:" .. sector)
        break
      end
    end
  end
end
